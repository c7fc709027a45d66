/** Site: what its section will show (its own issue replaces this with the real messages). */
export default {
  site: {
    coming: {
      shows: [
        'One website end to end: its DNS records, the distribution serving it and the bucket behind it',
        'Which release is live, from its pipeline',
        'What the site costs to store and to serve',
      ],
      linked: '{id}',
    },
  },
}
