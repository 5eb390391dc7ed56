/* shell.h: minios's console shell: reads command lines with stdio and runs the kvstore and diagnostic commands. */
#ifndef MINIOS_SHELL_H
#define MINIOS_SHELL_H

/* Length of the longest command line; longer ones are refused whole. */
#define SHELL_LINE_MAX 512

/* The shell thread's body (arg unused): prompt, read a line, run it, forever. */
void shell_main(void *arg);

/* Runs one command line (NUL-terminated, modified in place); output goes to stdout. */
void shell_run(char *line);

#endif
