/** The three API documents and where their roots live. @module */

export const apiNames = ['sambastudio', 'sambanova-cloud', 'lmi'] as const;
export type ApiName = (typeof apiNames)[number];

export function rootFileOf(api: ApiName): string {
  return `spec/${api}.yaml`;
}
