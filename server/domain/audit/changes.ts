/**
 * The earlier values of the fields a change touched, for an audit row's `was`: beside the new
 * values in the detail, the log reads "退货天数：30 → 15". Fields that stayed are left out.
 */
export function previousValues<T extends object>(before: T, after: Partial<T>): Partial<T> {
  const was: Partial<T> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) was[key] = before[key];
  }
  return was;
}
