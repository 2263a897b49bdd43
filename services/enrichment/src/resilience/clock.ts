import { setTimeout as delay } from 'node:timers/promises';

/** Milliseconds since the epoch; injected so tests control time instead of waiting for it. */
export type Clock = () => number;

/** Waits the given milliseconds; injected so tests run backoffs without real delays. */
export type Sleep = (ms: number) => Promise<void>;

export const systemClock: Clock = () => Date.now();

export const realSleep: Sleep = async (ms) => {
  await delay(ms);
};
