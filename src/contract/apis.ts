/**
 * The three APIs as the rest of sambakit sees them: names, titles and where the reference server
 * mounts each. Browser-safe.
 * @module
 */

export const apiNames = ['sambastudio', 'sambanova-cloud', 'lmi'] as const;
export type ApiName = (typeof apiNames)[number];

export interface ApiInfo {
  name: ApiName;
  title: string;
  /** URL prefix under which the reference server serves this API's paths. */
  mount: string;
}

export const apis: Readonly<Record<ApiName, ApiInfo>> = {
  sambastudio: { name: 'sambastudio', title: 'SambaStudio', mount: '' },
  'sambanova-cloud': { name: 'sambanova-cloud', title: 'SambaNova Cloud', mount: '/cloud/v1' },
  lmi: { name: 'lmi', title: 'DJL LMI', mount: '/lmi' },
};

export function isApiName(value: string): value is ApiName {
  return (apiNames as readonly string[]).includes(value);
}
