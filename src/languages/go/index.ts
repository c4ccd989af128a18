import { detectGo, type GoFacts } from './detect.js';
import { describeEvidence } from '../../core/facts.js';
import { checkGoEntry, planGo } from './plan.js';
import type { GoPlan } from './schema.js';
import { defineLanguage } from '../../core/language.js';

export const go = defineLanguage<GoFacts, GoPlan>({
  language: 'go',
  markers: ['go.mod'],
  detect: detectGo,
  isApp: () => true,
  runtimeVersion: {
    example: 'a Go release such as 1.23',
    source: 'go.mod',
    normalize: (raw) => {
      const [major, minor] = raw.split('.');
      return major === '1' && minor !== undefined ? `1.${minor}` : null;
    },
  },
  entry: {
    help: 'the main package (./cmd/api)',
    asks: (facts) => facts.mainPackages.length > 1,
    fromFlag: checkGoEntry,
    fallback: (facts) => (facts.mainPackages.length > 1 ? undefined : { value: facts.mainPackages[0]?.value ?? null }),
    prompt: (facts, prompter, _answers, initial) =>
      prompter.select(
        'Several main packages: which one goes in the image?',
        facts.mainPackages.map((main) => ({ value: main.value, label: main.value, hint: describeEvidence(main.evidence) })),
        initial,
      ),
    candidates: (facts) => `main packages: ${facts.mainPackages.map((main) => main.value).join(', ')}`,
    inCommand: (facts) => facts.mainPackages.length > 1,
  },
  port: {
    // A port written in the source is used, a server without one is asked, a CLI gets none.
    asks: (facts) => facts.servesNetwork.value && facts.ports.length === 0 && !facts.readsPortEnv.value,
    fallback: (facts) => facts.ports[0]?.value ?? (facts.servesNetwork.value ? 8080 : null),
  },
  plan: planGo,
  // Its binary runs on the shared images (scratch, distroless static or cc, slim, alpine).
  imageProfiles: [],
  downloadCommands: ['go mod download'],
});
