// Bundles the extension and the CLI. Type checking is tsc's job (`npm run typecheck`).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the form VS Code's esbuild problem matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const CLI_COMMANDS = ['probe', 'domain', 'lint', 'endpoints'];

/** In the CLI's dispatcher, `import('./commands/probe.js')` becomes `require('./cli-probe.js')`, the command's own bundle. */
const commandsApart = {
  name: 'commands-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[a-z]+\.js$/ }, (args) => ({ path: args.path.slice('./commands/'.length, -'.js'.length), namespace: 'cli-command' }));
    build.onLoad({ filter: /.*/, namespace: 'cli-command' }, (args) => {
      if (!CLI_COMMANDS.includes(args.path)) return { errors: [{ text: `src/cli/main.ts imports ./commands/${args.path}.js, which is not in CLI_COMMANDS` }] };
      return { contents: `module.exports = require('./cli-${args.path}.js');`, loader: 'js' };
    });
    build.onResolve({ filter: /^\.\/cli-[a-z]+\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: watch ? [problemMatcher] : [],
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The config analysis runs in a worker thread, off the extension host's thread.
  { ...common, entryPoints: ['src/extension/workspace/configWorker.ts'], outfile: 'dist/configWorker.js' },
  // The CLI: a small dispatcher and one bundle per command, so that `mail-tls probe` reads and
  // compiles only the probe's code at start-up (a quarter of what all commands together are).
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [...common.plugins, commandsApart] },
  ...CLI_COMMANDS.map((name) => ({ ...common, entryPoints: [`src/cli/commands/${name}.ts`], outfile: `dist/cli-${name}.js` })),
  // The report webview's script: a browser bundle in media/, the only folder the webview may load from.
  { ...common, entryPoints: ['src/webview/report.ts'], outfile: 'media/report.js', format: 'iife', platform: 'browser', target: 'chrome120', sourcemap: false },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) process.exit(1);
}
