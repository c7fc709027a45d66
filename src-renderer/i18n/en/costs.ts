/** Costs: what its section will show (its own issue replaces this with the real messages). */
export default {
  costs: {
    coming: {
      shows: [
        'Bytes and object counts per storage class, for each bucket and prefix',
        'From CloudWatch storage metrics (cheap at any bucket size) or an exact listing scan of a prefix',
        'Priced with a dated, per-region price table, with minimum storage duration and minimum billable size',
      ],
    },
  },
}
