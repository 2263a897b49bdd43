/** Time that moves only when a test says so, and a sleep that advances it instead of waiting. */
export function fakeTime(start = Date.parse('2026-03-02T09:00:00Z')) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
