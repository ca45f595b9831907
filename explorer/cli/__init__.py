"""The command line: global options, the shell commands and the generated commands."""
