import type { AuditedEntity, UserEntity } from '@cyborg/database';

export interface UserSummary {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
}

export function userSummary(user: UserEntity | null | undefined): UserSummary | null {
  if (!user) return null;

  return { id: user.id, email: user.email, first_name: user.firstName, last_name: user.lastName };
}

export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** The fields every audited object starts with, in the order the original API used. */
export function auditedBase(type: string, collection: string, entity: AuditedEntity) {
  return {
    id: entity.id,
    type,
    url: `/api/v1/${collection}/${entity.id}/`,
    created: iso(entity.created),
    modified: iso(entity.modified),
    created_by: entity.createdBy?.id ?? null,
    modified_by: entity.modifiedBy?.id ?? null,
  };
}

export function auditSummary(entity: AuditedEntity) {
  return { created_by: userSummary(entity.createdBy), modified_by: userSummary(entity.modifiedBy) };
}

/** Relations every audited object loads for its summary fields. */
export const AUDIT_RELATIONS = ['createdBy', 'modifiedBy'];
