/**
 * Template placeholders in configs kept in deployment repositories (Ansible/Jinja `{{ }}`,
 * iRedMail's `PH_*`, `%VAR%`, shell/envsubst `${VAR}`, autoconf `@VAR@`). A value holding one is
 * filled in at deploy time: it is neither an invalid value nor a file to read.
 * Postfix's own `${name}` and `${name?value}` use lower-case parameter names, so only upper-case
 * `${VAR}` counts as a template.
 */
const TEMPLATE_PATTERNS: readonly RegExp[] = [
  /\bPH_[A-Z0-9_]+\b/,
  /\{\{[^}]*\}\}/,
  /\{%[^%]*%\}/,
  /%[A-Z][A-Z0-9_]*%/,
  /\$\{[A-Z][A-Z0-9_]*(:?[-=?+][^}]*)?\}/,
  /@[A-Z][A-Z0-9_]*@/,
  /<%=?[^%]*%>/,
];

export function isTemplateValue(value: string): boolean {
  return TEMPLATE_PATTERNS.some((re) => re.test(value));
}

/** The first placeholder in a value, for messages. */
export function templatePlaceholder(value: string): string | undefined {
  for (const re of TEMPLATE_PATTERNS) {
    const m = re.exec(value);
    if (m) return m[0];
  }
  return undefined;
}
