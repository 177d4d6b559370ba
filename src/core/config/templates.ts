/**
 * Template placeholders in configs kept in deployment repositories (Ansible/Jinja `{{ }}`,
 * iRedMail's `PH_*`, `%VAR%`, shell/envsubst `${VAR}`, autoconf `@VAR@`). A value holding one is
 * filled in at deploy time: it is neither an invalid value nor a file to read.
 * Postfix's own `${name}` and `${name?value}` use lower-case parameter names, so only upper-case
 * `${VAR}` counts as a template.
 */
import type { ConfigFinding } from './types';

const TEMPLATE_PATTERNS: readonly RegExp[] = [
  /\bPH_[A-Z0-9_]{1,64}\b/,
  /\{\{[^}]{0,200}\}\}/,
  /\{%[^%]{0,200}%\}/,
  /%[A-Z][A-Z0-9_]{0,64}%/,
  /\$\{[A-Z][A-Z0-9_]{0,64}(:?[-=?+][^}]{0,200})?\}/,
  /@[A-Z][A-Z0-9_]{0,64}@/,
  /<%=?[^%]{0,200}%>/,
  // modoboa's %name (Dovecot's own variables are one letter, with upper-case modifiers: %Lu).
  /%[a-z][a-z0-9_]{2,64}\b/,
];

/** Values and lines are looked at up to here: a placeholder sits near the start, and lines can be huge. */
const SCAN = 4096;
const head = (v: string): string => (v.length > SCAN ? v.slice(0, SCAN) : v);

export function isTemplateValue(value: string): boolean {
  const v = head(value);
  return TEMPLATE_PATTERNS.some((re) => re.test(v));
}

/** The first placeholder in a value, for messages. */
export function templatePlaceholder(value: string): string | undefined {
  for (const re of TEMPLATE_PATTERNS) {
    const m = re.exec(head(value));
    if (m) return m[0];
  }
  return undefined;
}

/**
 * A whole line that belongs to the template language, not to the config: Jinja statements and
 * comments (`{% if %}`, `{# #}`), a line that is one `{{ expression }}`, ERB `<% %>`, and
 * modoboa's line switches (`%{feature_enabled}smtp inet ...`, `%protocols`). The rendered file
 * holds either the line's config text or nothing, so the parsers skip it like a comment.
 */
const DIRECTIVE_START = /^(\{[%#]|<%|%\{[A-Za-z_][A-Za-z0-9_]{0,63}\}|%[a-z_][a-z0-9_]{0,63}\s*$)/;

/** `rest` is the line from its first non-blank character. String tests only: lines can be huge. */
export function isTemplateDirectiveLine(rest: string): boolean {
  const c = rest.charCodeAt(0);
  if (c !== 123 /* { */ && c !== 37 /* % */ && c !== 60 /* < */) return false;
  if (rest.startsWith('{{')) return rest.trimEnd().endsWith('}}');
  return DIRECTIVE_START.test(rest.length > 256 ? rest.slice(0, 256) : rest);
}

/** The first line (0-based) that shows the text is a template, and the placeholder seen there. */
export function findTemplateMarker(text: string): { line: number; marker: string } | undefined {
  const lines = text.split('\n', 20000);
  for (let i = 0; i < lines.length; i++) {
    const rest = lines[i]!.trimStart();
    if (rest.startsWith('#')) continue;
    if (isTemplateDirectiveLine(rest)) return { line: i, marker: rest.slice(0, 40).trimEnd() };
    const placeholder = templatePlaceholder(rest);
    if (placeholder) return { line: i, marker: placeholder };
  }
  return undefined;
}

/** One information finding per template file, so that the skipped lines and values are said. */
export function templateFinding(text: string, file: string, server: 'postfix' | 'dovecot', docUrl: string): ConfigFinding | undefined {
  const m = findTemplateMarker(text);
  if (!m) return undefined;
  return {
    id: `${server}-template`,
    severity: 'info',
    message: `This file is a template (${m.marker} here): template lines and placeholder values are filled in at deploy time, so they are not checked. Lint the rendered file for a complete check.`,
    range: { file, start: { line: m.line, character: 0 }, end: { line: m.line, character: 0 } },
    docUrl,
  };
}

/**
 * Jinja and Go templates strip the white space beside a tag written with a dash, line breaks
 * included: `{%- if x %}` (also `{{-`, `{#-`) joins its line to the text before it, `{% if x -%}`
 * (`-}}`, `-#}`) the text after it to its line. So in
 *
 *     mail_plugins = quota{{ ' ' }}
 *       {%- if COMPRESSION -%}
 *       zlib
 *       {%- endif %}
 *
 * `zlib` belongs to the mail_plugins line of the rendered file. Returns the 0-based lines whose
 * text continues the last config line before them when rendered (every line break between them
 * stripped; the statement lines between render to nothing, while an expression line joined this
 * way, `{{- ", eNULL" -}}`, renders into the text). Empty for a file with no dash tags.
 */
export function templateJoinedLines(text: string): Set<number> {
  const joined = new Set<number>();
  if (!DASH_TAG.test(text)) return joined;
  const lines = text.split('\n');
  // Between the last config line and here, every line break so far was stripped.
  let glued = false;
  let prevTrimsAfter = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const rest = line.trimStart();
    if (rest === '') continue; // blank lines: the white space a dash strips runs through them
    const stripped = prevTrimsAfter || DASH_OPEN.test(rest);
    glued = glued && stripped;
    prevTrimsAfter = DASH_CLOSE.test(rest.length > 256 ? rest.slice(-256) : rest);
    // An expression line joined to config text (`{{- ", eNULL" -}}`) renders into that text.
    const joinedExpression = glued && rest.startsWith('{{') && !GO_ACTION.test(rest);
    if (rest.startsWith('#') || (isTemplateDirectiveLine(rest) && !joinedExpression)) continue;
    if (glued) joined.add(i);
    glued = true;
  }
  return joined;
}

/** Go template actions and comments render nothing; any other `{{ }}` renders a value. */
const GO_ACTION = /^\{\{-?\s*(?:(?:if|else|end|range|with|define|block|break|continue)\b|\/\*)/;
const DASH_TAG = /\{[%{#]-|-[%}#]\}/;
const DASH_OPEN = /^\{[%{#]-/;
const DASH_CLOSE = /-[%}#]\}\s*$/;
