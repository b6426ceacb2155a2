/**
 * The body of an API answer as the route specs read it. Loose on purpose, in one place: the zod contract of the
 * REST routes (issue 17, "one API contract") is to type these answers; until then the specs' assertions are what
 * checks their shape.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above; replaced by the contract's inferred types
export type ApiAnswer = any;
