"""The benchmark suite behind ``scripts/bench``: figures, floors and budgets (issues 6 and 15).

Layout:

* :mod:`.cli` -- options, which figures run, the table, ``--json``;
* :mod:`.measure` -- interleaved repetitions, medians, percentiles, child processes
  with their peak memory;
* :mod:`.terminal` -- a pseudo-terminal that answers cursor-position requests and
  waits for a prompt or a screenful;
* :mod:`.synth` -- synthetic ``/discover`` documents (1k to 100k routes) and ids;
* :mod:`.fixture_server` -- a tiny stdlib server for the synthetic documents and a
  5 MB JSON list;
* :mod:`.workspace` -- the isolated ``EXPLORER_HOME``, the sandbox and fixture server
  subprocesses, the discovery caches;
* :mod:`.inproc` -- measurements that run inside one Python process (registry load,
  resolve, completion), run in a child process and answered as JSON;
* :mod:`.figures` -- one module per figure of the issue's table;
* :mod:`.report` -- rows, the text table and the JSON document.
"""
