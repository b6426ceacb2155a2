/**
 * The words of the incident domain, defined once for the server, the client and the SQL: states and their
 * open / finished groups, grades, sources and roles. Everything else imports these; nothing re-declares them.
 *
 * "Open" means "the closed loop is not finished": every state but closed and rejected, so a verified or
 * evaluated case is still open (its verify / evaluate time limit runs). The SQL side is the function
 * `incident_is_open(state)` (server/db/migrations/0012_incident_is_open.sql), checked against
 * OPEN_STATES by incident-vocabulary.spec.ts. Why: docs/decisions/0004-what-open-means.md.
 *
 * Pure data and type guards, no imports: the browser bundle takes it as it is.
 */

export const INCIDENT_STATES = ['reported', 'accepted', 'dispatched', 'on_scene', 'resolved', 'verified', 'evaluated', 'closed', 'rejected'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** The loop is over: nothing more happens to the case unless it is reopened. */
export const FINISHED_STATES = ['closed', 'rejected'] as const satisfies readonly IncidentState[];
export type FinishedState = (typeof FINISHED_STATES)[number];

/** Everything before the loop is finished (in the order of the loop). */
export const OPEN_STATES = [
  'reported',
  'accepted',
  'dispatched',
  'on_scene',
  'resolved',
  'verified',
  'evaluated',
] as const satisfies readonly Exclude<IncidentState, FinishedState>[];

const FINISHED: ReadonlySet<string> = new Set(FINISHED_STATES);

/** True for a state of the open group. Takes any string: live items and API rows carry the state as text. */
export function isOpenState(state: string): boolean {
  return !FINISHED.has(state) && (INCIDENT_STATES as readonly string[]).includes(state);
}

export function isFinishedState(state: string): boolean {
  return FINISHED.has(state);
}

export function isOpenIncident(incident: { state: string }): boolean {
  return isOpenState(incident.state);
}

/** The four-colour grade, mildest first. */
export const GRADES = ['blue', 'yellow', 'orange', 'red'] as const;
export type Grade = (typeof GRADES)[number];

/** Queue and drawing order: the most severe first. */
export const GRADE_RANK: Readonly<Record<Grade, number>> = { red: 0, orange: 1, yellow: 2, blue: 3 };

export const SOURCES = ['hotline_12345', 'citizen_app', 'open311', 'patrol', 'video_ai', 'iot', 'transfer_110'] as const;
export type IncidentSource = (typeof SOURCES)[number];

/** Machines (video AI, IoT): a case from them starts at the category's alarm grade when it has one. */
export const ALARM_SOURCES = ['video_ai', 'iot'] as const satisfies readonly IncidentSource[];
/** Sources through which a person reported the case, who can be called back for the evaluation. */
export const REPORTER_SOURCES = ['hotline_12345', 'citizen_app', 'open311', 'transfer_110'] as const satisfies readonly IncidentSource[];

/** The roles of a GridOps account. */
export const ROLES = ['admin', 'planner', 'dispatcher', 'supervisor', 'screen', 'field_worker'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may read operational data (everyone signed in). */
export const READERS: readonly Role[] = ROLES;
/** Roles of the command centres (desk users). */
export const DESK_ROLES: readonly Role[] = ['admin', 'planner', 'dispatcher', 'supervisor'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who can act on an incident: accounts of some roles, the system (schedulers, simulator) and the reporter. */
export const ACTOR_ROLES = ['admin', 'dispatcher', 'supervisor', 'field_worker', 'system', 'reporter'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];
