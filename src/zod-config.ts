import * as z from 'zod';

/*
 * zod compiles a parser for each object schema it parses (new Function) unless told not to. The
 * bundle's own code comes from V8's code cache (src/start.cts), but code made with new Function is
 * compiled again on every run, for a parse or two per schema. Imported first by src/cli.ts, before
 * any schema is built (zod reads the setting when it builds an object schema); tests leave it on,
 * which parses the same.
 */
z.config({ jitless: true });
