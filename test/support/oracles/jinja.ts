/**
 * Renders a Jinja template with the real engine (Debian's python3-jinja2, default environment:
 * no trim_blocks, as Mailu renders its configs), to compare our reading of a template with our
 * reading of the file it renders to.
 */
import { spawnSync } from 'node:child_process';

/** Debian's interpreter, which python3-jinja2 installs into (not another python3 on PATH). */
const PYTHON = '/usr/bin/python3';

const RENDER = 'import json, sys, jinja2\nd = json.load(sys.stdin)\nsys.stdout.write(jinja2.Environment().from_string(d["template"]).render(**d["vars"]))\n';

export function jinjaInstalled(): boolean {
  return spawnSync(PYTHON, ['-c', 'import jinja2'], { timeout: 20_000 }).status === 0;
}

export function renderJinja(template: string, vars: Record<string, unknown>): string {
  const r = spawnSync(PYTHON, ['-c', RENDER], { input: JSON.stringify({ template, vars }), encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`jinja2 failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}
