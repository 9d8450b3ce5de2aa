import type { Command } from 'commander';
import { oneOf, type Runner } from '../command-kit';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Commands whose argument is an instance name: completed from `instance list -o name --offline`. */
const TAKES_INSTANCE = ['get', 'status', 'extend', 'destroy', 'delete', 'test', 'backup', 'stop', 'start'];

interface Node {
  /** The words that lead here: `instance create`; empty for the program. */
  readonly path: string;
  readonly subcommands: readonly string[];
  readonly options: readonly { readonly flags: string[]; readonly description: string; readonly takesValue: boolean }[];
  readonly description: string;
}

function nodes(cmd: Command, prefix: string[] = [], inherited: Node['options'] = []): Node[] {
  const own = cmd.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      description: o.description,
      takesValue: o.required || o.optional,
    }));
  const options = [...own, ...inherited];
  const here: Node = {
    path: prefix.join(' '),
    subcommands: cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]),
    options: [...options, { flags: ['-h', '--help'], description: 'show help', takesValue: false }],
    description: cmd.description(),
  };
  return [here, ...cmd.commands.flatMap((c) => nodes(c, [...prefix, c.name()], prefix.length === 0 ? own : inherited))];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const takesInstance = (path: string) => /^instance /.test(path) && TAKES_INSTANCE.includes(path.split(' ')[1]);

function bash(tree: Node[]): string {
  const subs = tree.map((n) => `    ${quote(n.path)}) echo ${quote(n.subcommands.join(' '))} ;;`).join('\n');
  const opts = tree
    .map((n) => `    ${quote(n.path)}) echo ${quote(n.options.flatMap((o) => o.flags).join(' '))} ;;`)
    .join('\n');
  const valued = [...new Set(tree.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))];
  const names = tree.filter((n) => takesInstance(n.path)).map((n) => quote(n.path));
  return `# sandboxkit completion for bash: source it, or add to ~/.bashrc:
#   source <(sandboxkit completion bash)
_sandboxkit_subcommands() {
  case "$1" in
${subs}
  esac
}
_sandboxkit_options() {
  case "$1" in
${opts}
  esac
}
_sandboxkit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case " ${valued.join(' ')} " in *" \${COMP_WORDS[i-1]} "*) [[ $i -gt 1 ]] && continue ;; esac
    case "$w" in -*) continue ;; esac
    case " $(_sandboxkit_subcommands "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac
  done
  case "$prev" in
    -o|--output) COMPREPLY=($(compgen -W "json yaml wide name" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_sandboxkit_options "$path")" -- "$cur"))
    return
  fi
  local subs
  subs="$(_sandboxkit_subcommands "$path")"
  if [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    return
  fi
  case "$path" in
    ${names.join('|') || "''"}) COMPREPLY=($(compgen -W "$(sandboxkit instance list -o name --offline 2>/dev/null)" -- "$cur")) ;;
    'completion') COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
  esac
}
complete -F _sandboxkit sandboxkit
`;
}

function zsh(tree: Node[]): string {
  return `#compdef sandboxkit
# sandboxkit completion for zsh: add to ~/.zshrc:
#   source <(sandboxkit completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(tree).replace(/^# sandboxkit completion for bash.*\n#.*\n/, '')}`;
}

function fish(tree: Node[]): string {
  const lines = [
    '# sandboxkit completion for fish: sandboxkit completion fish > ~/.config/fish/completions/sandboxkit.fish',
  ];
  const all = tree.flatMap((n) => n.subcommands);
  for (const n of tree) {
    const words = n.path ? n.path.split(' ') : [];
    const condition = words.length
      ? `__fish_seen_subcommand_from ${words[words.length - 1]}; and not __fish_seen_subcommand_from ${n.subcommands.join(' ') || words[words.length - 1]}`
      : `not __fish_seen_subcommand_from ${all.join(' ')}`;
    for (const sub of n.subcommands) {
      const child = tree.find((c) => c.path === [...words, sub].join(' '));
      lines.push(
        `complete -c sandboxkit -f -n ${quote(condition)} -a ${quote(sub)} -d ${quote(child?.description ?? '')}`,
      );
    }
    if (!words.length) continue;
    const at = `__fish_seen_subcommand_from ${words[words.length - 1]}`;
    for (const o of n.options) {
      const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
      const short = o.flags.find((f) => /^-[a-zA-Z]$/.test(f))?.slice(1);
      lines.push(
        `complete -c sandboxkit -n ${quote(at)}${long ? ` -l ${long}` : ''}${short ? ` -s ${short}` : ''}${o.takesValue ? ' -r' : ''} -d ${quote(o.description)}`,
      );
    }
    if (takesInstance(n.path))
      lines.push(
        `complete -c sandboxkit -f -n ${quote(at)} -a '(sandboxkit instance list -o name --offline 2>/dev/null)'`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script of `program` for a shell, built from the command tree itself. */
export function completionScript(program: Command, shell: Shell): string {
  const tree = nodes(program);
  return shell === 'bash' ? bash(tree) : shell === 'zsh' ? zsh(tree) : fish(tree);
}

export function registerCompletion(program: Command, _run: Runner): void {
  program
    .command('completion')
    .description('print the shell completion script: commands, options and instance names')
    .argument('<shell>', `one of ${SHELLS.join(', ')}`, oneOf(SHELLS))
    .addHelpText(
      'after',
      '\nbash: source <(sandboxkit completion bash)\nzsh:  source <(sandboxkit completion zsh)\nfish: sandboxkit completion fish > ~/.config/fish/completions/sandboxkit.fish',
    )
    .action(function (this: Command) {
      const root = this.parent!;
      const out =
        (this.configureOutput() as { writeOut?: (s: string) => void }).writeOut ??
        ((s: string) => process.stdout.write(s));
      out(completionScript(root, this.processedArgs[0] as Shell));
    });
}
