import type { Evidence } from './facts.js';

/**
 * One member of a workspace (a monorepo): a package, crate or main package the workspace root
 * lists. A deployable one (a server or CLI with an entry) gets a Dockerfile of its own.
 */
export interface WorkspaceMember {
  /** What --entry selects it by (its folder works too): the package, crate or program name. */
  name: string;
  /** Its folder from the workspace root ("packages/api"; "." for a program of the root module). */
  folder: string;
  /** A server or CLI with an entry; a library is listed, never built on its own. */
  deployable: boolean;
  /** What said so: the start script, the binary target or the main package; the manifest for a library. */
  evidence: Evidence;
  /** The same in words, for --json and the listing: "start script", "library: no binary target". */
  why: string;
  /**
   * How its Dockerfile is made: the run in `dir` (from the workspace root) with this --entry, written
   * under `output` (null: the member's own name for it, `Dockerfile` in its folder).
   */
  run: { dir: string; entry: string | null; output: string | null };
  /**
   * The files of its folder another service's build still reads (its manifests, which the install
   * or go.work needs): the rest of a service's folder is left out of the others' build contexts, so
   * editing it rebuilds only its own image. Null when the root leaves nothing out: every build reads
   * the whole folder, or, for Cargo, each member's own run already leaves out what it does not depend on.
   */
  keep: string[] | null;
  /**
   * The packages it depends on by name (its manifest's dependencies, devDependencies included, which
   * its build reads; a uv member's, the members among them; a go.work program's, the programs whose
   * folders hold a package it imports): a service another service uses stays in that one's build
   * context. Absent where the language's own run already builds each member from what it depends on
   * (Cargo), or where a module others depend on keeps nothing out (Maven, Gradle: `keep` null).
   */
  uses?: string[];
}

/** A workspace root, as its language reads it: what declares it and every member. */
export interface Workspace {
  /** "pnpm workspace", "Cargo workspace", "go.work". */
  kind: string;
  evidence: Evidence;
  members: WorkspaceMember[];
}

/**
 * A bake target's name from a member's name, also its image's name: lower-case letters and digits
 * joined as an image name may join them (`@acme/api` -> `acme-api`), which bake accepts too.
 */
export const targetNameOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    // An image name separates its words by one "-" run, "_" or "__": any run with a dash is one dash.
    .replace(/[-_]*-[-_]*/g, '-')
    .replace(/_{3,}/g, '__')
    .replace(/^[-_]+|[-_]+$/g, '') || 'app';
