/** Bound stand-ins for open interval ends: the limits of JavaScript dates, in ms. */
export const TIME_MIN = -8.64e15;
export const TIME_MAX = 8.64e15;
