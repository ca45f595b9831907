"""The completion scripts ``explorer completion bash|zsh|fish`` prints.

Each one is a thin function that hands the command line (up to the cursor) and the
word being completed to ``explorer completion --query SHELL -- LINE WORD`` and offers
what it prints.  The answer's first line is a directive (``files``: complete file
names instead; ``nospace``: add no space after the candidate), every other line is one
candidate (zsh: ``text:description``, fish: ``text<TAB>description``).  Candidates are
computed from the discovery cache only (see :mod:`explorer.cli.completion.candidates`),
so pressing Tab never touches the network.

The program is called by its name, ``explorer``, as the user types it; setting
``EXPLORER_COMPLETE_PROGRAM`` in the shell picks another one (a venv's path).
"""

from __future__ import annotations

BASH = r"""# explorer completion for bash: eval "$(explorer completion bash)"
_explorer_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local IFS=$'\n'
    local -a reply
    reply=($(command "${EXPLORER_COMPLETE_PROGRAM:-explorer}" completion --query bash \
        -- "${COMP_LINE:0:COMP_POINT}" "$cur" 2>/dev/null))
    local directive="${reply[0]}"
    COMPREPLY=("${reply[@]:1}")
    if [[ "$directive" == *files* ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
    fi
    if [[ "$directive" == *nospace* ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _explorer_complete explorer
"""

ZSH = r"""#compdef explorer
# explorer completion for zsh: eval "$(explorer completion zsh)"
_explorer() {
    local -a reply candidates
    reply=("${(@f)$(command "${EXPLORER_COMPLETE_PROGRAM:-explorer}" completion --query zsh \
        -- "$LBUFFER" "$PREFIX" 2>/dev/null)}")
    local directive="${reply[1]}"
    candidates=("${(@)reply[2,-1]}")
    if [[ "$directive" == *files* ]]; then
        _files
        return
    fi
    if [[ "$directive" == *nospace* ]]; then
        _describe -t values explorer candidates -S ''
    else
        _describe -t values explorer candidates
    fi
}
if (( $+functions[compdef] )); then
    compdef _explorer explorer
fi
"""

FISH = r"""# explorer completion for fish: explorer completion fish | source
function __explorer_complete
    set -l program explorer
    if set -q EXPLORER_COMPLETE_PROGRAM
        set program $EXPLORER_COMPLETE_PROGRAM
    end
    set -l token (commandline -ct)
    set -l reply (command $program completion --query fish -- (commandline -cp) $token 2>/dev/null)
    if string match -q '*files*' -- "$reply[1]"
        __fish_complete_path $token
        return
    end
    printf '%s\n' $reply[2..-1]
end
complete -c explorer -f -a '(__explorer_complete)'
"""

#: shell name -> its script
SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}

#: shell name -> the one line that installs it, for ``--help`` and the README
INSTALL = {
    "bash": 'echo \'eval "$(explorer completion bash)"\' >> ~/.bashrc',
    "zsh": 'echo \'eval "$(explorer completion zsh)"\' >> ~/.zshrc',
    "fish": "explorer completion fish > ~/.config/fish/completions/explorer.fish",
}
