// constant-arrival-rate starts iterations on k6's clock: rate 3 per second for 1s starts 4
// (at 0, 1/3 s, 2/3 s and just before 1 s, k6's truncated period).
export const options = {
  scenarios: {
    open: { executor: 'constant-arrival-rate', rate: 3, timeUnit: '1s', duration: '1s', preAllocatedVUs: 4 },
  },
};

export default function () {}
