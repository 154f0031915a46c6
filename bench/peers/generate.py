"""Writes the generated inputs of bench/run-all.sh.

  generate.py gyre-flow N FILE     a Gyre flow of N independent tasks, each `command: ["true"]`
  generate.py snakefile N FILE     a Snakefile whose `all` rule needs N outputs out/0..out/N-1, one job each,
                                   each job running the shell builtin `true` with its stdout going to its output
                                   (Snakemake needs every declared output to exist; `true > {output}` is one bash
                                   process per job, the lightest honest equivalent)
"""
import sys


def gyre_flow(n):
    lines = [f"name: bench-true-{n}", "tasks:"]
    for i in range(n):
        lines.append(f"  t{i}:")
        lines.append('    command: ["true"]')
    return "\n".join(lines) + "\n"


def snakefile(n):
    return (
        f"N = {n}\n"
        "rule all:\n"
        "    input: expand('out/{i}', i=range(N))\n"
        "rule t:\n"
        "    output: 'out/{i}'\n"
        "    shell: 'true > {output}'\n"
    )


def main():
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = {"gyre-flow": gyre_flow, "snakefile": snakefile}[kind](n)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
