/*
 * gunicorn reads PORT itself: given no --bind it listens on 0.0.0.0:$PORT when PORT is set (else on
 * 127.0.0.1:8000 alone), so an image can leave the port to `docker run -e PORT`, which a port written
 * into the exec form (which expands no variables) could not.
 */

/** gunicorn with no --bind. */
export function gunicornUnbound(command: string[]): boolean {
  return command[0] === 'gunicorn' && !command.some((word) => /^(?:--bind|-b)(?:=|$)/.test(word));
}

/** gunicorn's command without a `--bind` to 0.0.0.0:$PORT (or `:$PORT`); any other command as it is. */
export function bindingFromPort(command: string[]): string[] {
  if (command[0] !== 'gunicorn') return command;
  const toPort = (address: string | undefined) => address !== undefined && /^(?:0\.0\.0\.0)?:\$PORT$/.test(address);
  return command.filter((word, index) => {
    const previous = command[index - 1];
    if (toPort(/^(?:--bind|-b)=(.*)$/.exec(word)?.[1])) return false;
    if ((word === '--bind' || word === '-b') && toPort(command[index + 1])) return false;
    return !((previous === '--bind' || previous === '-b') && toPort(word));
  });
}
