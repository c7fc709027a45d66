/** CloudFront: what its section will show (its own issue replaces this with the real messages). */
export default {
  cloudfront: {
    coming: {
      shows: [
        'Distributions with their origins, aliases and state; an origin opens its bucket',
        'Cache-hit statistics from CloudWatch and from the access logs: hit ratio over time, most-missed paths, edge locations',
        'Invalidations, followed until they complete',
      ],
      linked: 'distribution {id}',
    },
  },
}
