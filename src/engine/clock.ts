/** Where the engine reads time. Actors never do: the engine stamps time into the events it sends. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
