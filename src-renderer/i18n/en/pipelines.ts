/** Pipelines: what its section will show (its own issue replaces this with the real messages). */
export default {
  pipelines: {
    coming: {
      shows: [
        'Pipelines with the current state of every stage and action',
        'A timeline of each execution, failed runs included',
        'Manual approvals, approved or rejected from here',
      ],
      linked: 'pipeline {id}',
    },
  },
}
