import { DateTime } from 'luxon';
import type { Settings } from '../../config/settings';
import type { LifecycleEvent } from '../../domain/events';

export type HireTimeSettings = Pick<Settings, 'TENANT_TIME_ZONE' | 'HIRE_START_HOUR' | 'PRE_HIRE_DAYS'>;

/** When a hire starts, when its account is made before that, and the start as the tenant reads it. */
export interface HireStart {
  /** Sign-in enabled, the Temporary Access Pass issued and `onboarded` called. */
  startAt: Date;
  /** The account made, sign-in off, with its groups, licences and manager: PRE_HIRE_DAYS calendar days before. */
  preHireAt: Date;
  /** The start in the tenant's zone, for people: `2026-12-01 09:00 Europe/Berlin`. */
  local: string;
}

/**
 * The start of a joiner: its `effectiveAt` when it has one (an instant HR chose), else the hire date
 * — a day — at HIRE_START_HOUR in TENANT_TIME_ZONE. A hire date sent with a time and offset
 * (`2026-12-01T00:00:00Z`, as Entra's employeeHireDate reads) is still that day as written: read in
 * another zone it would fall on the day before or after. Undefined when the joiner says neither.
 * Local times are Luxon's: an hour a daylight-saving change skips moves to the first one that exists.
 */
export function hireStart(event: Pick<LifecycleEvent, 'effectiveAt' | 'employee'>, settings: HireTimeSettings): HireStart | undefined {
  const zone = settings.TENANT_TIME_ZONE;
  let start: DateTime;
  if (event.effectiveAt) {
    start = DateTime.fromISO(event.effectiveAt, { zone });
  } else if (event.employee.hireDate) {
    const written = DateTime.fromISO(event.employee.hireDate, { setZone: true });
    start = DateTime.fromObject({ year: written.year, month: written.month, day: written.day, hour: settings.HIRE_START_HOUR }, { zone });
  } else {
    return undefined;
  }
  // The intake validated both dates; a value Luxon cannot read starts nothing later, so it is treated as started.
  if (!start.isValid) return undefined;
  return {
    startAt: start.toJSDate(),
    preHireAt: start.minus({ days: settings.PRE_HIRE_DAYS }).toJSDate(),
    local: `${start.toFormat('yyyy-MM-dd HH:mm')} ${zone}`,
  };
}
