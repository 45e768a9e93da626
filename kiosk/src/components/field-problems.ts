import { RequestError } from '../connection/errors.js';
import { hasMessage, type MessageKey, t } from '../i18n/index.js';

/** The form field a server's field path names: `body.phone` → `phone`, `body.lines.0.qty` → `qty`. */
export function fieldName(path: string): string {
  const parts = path.split('.').filter((part) => !/^\d+$/.test(part));
  return parts.at(-1) ?? path;
}

/** The server's reason for a phone that belongs to a member already (members' `phoneTaken`). */
const TAKEN = 'already registered';

/**
 * What is wrong with one field, in the shop's words: "手机号格式不对，请输入 11 位手机号". Fields
 * no form names get nothing here (the error's own line says what to do).
 */
function problemOf(path: string, reason: string): string | undefined {
  const name = fieldName(path);
  const key = reason === TAKEN ? `words.field.${name}Taken` : `words.field.${name}`;
  return hasMessage(key) ? t(key as MessageKey) : undefined;
}

/** The problem with `field` of a form, when the error names it. */
export function fieldProblem(error: unknown, field: string): string | undefined {
  if (!(error instanceof RequestError)) return undefined;
  for (const [path, reason] of Object.entries(error.fields))
    if (fieldName(path) === field) return problemOf(path, reason);
  return undefined;
}

/** Every named field's problem, once each, in the order the server gave them. */
export function fieldProblems(error: unknown): string[] {
  if (!(error instanceof RequestError)) return [];
  const said = new Set<string>();
  for (const [path, reason] of Object.entries(error.fields)) {
    const problem = problemOf(path, reason);
    if (problem) said.add(problem);
  }
  return [...said];
}

/** Whether the error says the phone typed belongs to a member already. */
export function phoneTaken(error: unknown): boolean {
  return error instanceof RequestError && error.code === 'conflict' && error.field('phone') === TAKEN;
}
