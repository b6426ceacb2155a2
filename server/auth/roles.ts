/** The roles of GridOps and what each is for. */
export const ROLES = ['admin', 'planner', 'dispatcher', 'supervisor', 'screen', 'field_worker'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may read operational data (everyone signed in). */
export const READERS: readonly Role[] = ROLES;
/** Roles of the command centres (desk users). */
export const DESK_ROLES: readonly Role[] = ['admin', 'planner', 'dispatcher', 'supervisor'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
