// docs/performance.md has one section per script that measures something (start-up: scripts/startup.mjs,
// image size: scripts/bench-size.ts). Each script rewrites only its own section, between markers that name
// it, so running one keeps what the other wrote.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const PAGE = 'docs/performance.md';
const INTRO = ['# Performance', '', 'Each section below is written by the script it names; do not edit them by hand.', ''];

/** Replaces section `name` of the page (or adds it at the end) with `lines`, written by `command`. */
export function writeSection(name, command, lines) {
  const begin = `<!-- begin ${name}: written by \`${command}\`, do not edit by hand -->`;
  const end = `<!-- end ${name} -->`;
  const block = [begin, '', ...lines, '', end].join('\n');
  const page = existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '';
  const pattern = new RegExp(`<!-- begin ${name}:[^\\n]*-->[\\s\\S]*?<!-- end ${name} -->`);
  // A page from before the sections (one script wrote all of it) is started again.
  const kept = page.includes('<!-- begin ') ? page.trimEnd() : INTRO.join('\n').trimEnd();
  const next = pattern.test(kept) ? kept.replace(pattern, () => block) : `${kept}\n\n${block}`;
  writeFileSync(PAGE, `${next}\n`);
  console.log(`wrote the ${name} section of ${PAGE}`);
}
