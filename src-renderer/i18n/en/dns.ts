/** DNS: what its section will show (its own issue replaces this with the real messages). */
export default {
  dns: {
    coming: {
      shows: [
        'Hosted zones and their records; an alias opens its distribution',
        'Record edits as change batches, with the difference shown before sending and followed until INSYNC',
        'BIND zone-file import and export',
      ],
      linked: 'hosted zone {id}',
    },
  },
}
