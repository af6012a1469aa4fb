"""Names of URL query parameters and session-state keys, their defaults, and each page's table
of URL parameters, in one place.

Query parameters (deep links) are short and stable, because users share URLs. Each page
declares them as a table of :class:`Param` (``INSPECTOR_URL``, ``COMPARE_URL``,
``DASHBOARD_URL``); ``ui.widgets.sync`` copies changed URL values into the session state before
the widgets are drawn and ``ui.widgets.publish`` writes the state back (a default value leaves
the URL); ``ui.widgets.resume`` brings a page opened from the sidebar back as the session
left it (widget states do not survive a visit to another page):

- inspector: ``run``, ``aligner``, ``lang``, ``sid``, ``cat``, ``type``, ``reason``, ``q``,
  ``sort``, ``view``, ``focus``;
- compare: ``runs`` (comma-separated run ids), ``sid``, ``rank``, ``view``, ``focus``;
- dashboard: ``benchmark``.

Widget keys are prefixed per page (``insp_``, ``cmp_``, ``dash_``) so two pages never share a
widget state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


def split_list(raw: str) -> list[str]:
    """``"a,b,"`` -> ``["a", "b"]`` (list-valued URL parameters)."""
    return [x for x in raw.split(",") if x]


@dataclass(frozen=True)
class Param:
    """One URL query parameter of a page.

    ``name`` in the URL fills the session-state ``key`` (of the widget drawn later);
    ``default`` is the value that leaves the URL (``None``: always written);
    ``options`` are its fixed valid values (``None``: any value, or the page passes the valid
    values of its data to ``sync``); ``parse`` turns the URL text into the state value (a list
    for :func:`split_list`).
    """

    name: str
    key: str
    default: Any = None
    options: tuple[Any, ...] | None = None
    parse: Callable[[str], Any] = str


# -- query parameters ----------------------------------------------------------------------
QP_RUN = "run"
QP_RUNS = "runs"
QP_LANG = "lang"
QP_SID = "sid"
QP_ALIGNER = "aligner"
QP_CATEGORY = "cat"
QP_TYPE = "type"
QP_REASON = "reason"
QP_QUERY = "q"
QP_SORT = "sort"
QP_VIEW = "view"
QP_FOCUS = "focus"
QP_RANK = "rank"
QP_BENCHMARK = "benchmark"

# -- session state: shared -----------------------------------------------------------------
EXTRA_ROOTS = "run_roots_extra"      # list[str] of directories added in the sidebar
ROOT_INPUT = "run_roots_input"       # the sidebar text input
ROOT_ERROR = "_run_roots_error"      # message of a rejected directory (shown once)
URL_SEEN = "_url_seen"               # {page: {param: last value synced}}

# -- session state: inspector --------------------------------------------------------------
INSP_RUN = "insp_run"
INSP_ALIGNER = "insp_aligner"
INSP_LANG = "insp_lang"
INSP_SID = "insp_sid"
INSP_CATEGORY = "insp_cat"
INSP_TYPE = "insp_type"
INSP_REASON = "insp_reason"
INSP_QUERY = "insp_q"
INSP_SORT = "insp_sort"
INSP_VIEW = "insp_view"
INSP_FOCUS = "insp_focus"
INSP_TABLE = "insp_table"
INSP_FIGURE = "insp_figure"
INSP_INTERACTIVE = "insp_interactive"  # the Plotly figure instead of the static SVG
INSP_TABLE_IDS = "_insp_table_ids"

# -- session state: compare ----------------------------------------------------------------
CMP_SET = "cmp_set"
CMP_RUNS = "cmp_runs"
CMP_SID = "cmp_sid"
CMP_RANK = "cmp_rank"
CMP_VIEW = "cmp_view"
CMP_FOCUS = "cmp_focus"
CMP_TABLE = "cmp_table"
CMP_FIGURE = "cmp_figure"
CMP_INTERACTIVE = "cmp_interactive"  # the Plotly figure instead of the static SVG
CMP_TABLE_IDS = "_cmp_table_ids"

# -- session state: dashboard --------------------------------------------------------------
DASH_BENCHMARK = "dash_benchmark"
DASH_VALUE = "dash_value"
DASH_FAMILIES = "dash_families"
DASH_LEVELS = "dash_levels"
DASH_ONLY_OURS = "dash_only_ours"
DASH_FAMILY = "dash_family"
DASH_PIPELINE = "dash_pipeline"
DASH_TAB = "dash_tab"
DASH_DUMBBELL = "dash_dumbbell"
DASH_HEATMAP = "dash_heatmap"
DASH_CELL = "dash_cell"

# -- session state: playground -------------------------------------------------------------
PG_SOURCE = "pg_source"
PG_USE_TAGGER = "pg_use_tagger"
PG_LANG = "pg_lang"
PG_TARGET = "pg_target"
PG_ALIGNERS = "pg_aligners"
PG_METHODS = "pg_methods"
PG_FOCUS = "pg_focus"
PG_VIEW = "pg_view"
PG_FIGURE = "pg_figure"
PG_INTERACTIVE = "pg_interactive"  # the Plotly figure instead of the static SVG
PG_TRANSLATE_ASKED = "pg_translate_asked"   # the translate button was pressed (done in the run)
PG_JOB = "pg_job"                 # id of this session's queued model call

# -- session state: upload -----------------------------------------------------------------
UD_MODE = "ud_mode"
UD_SOURCE = "ud_source"
UD_TARGET = "ud_target"
UD_ALIGNMENT = "ud_alignment"
UD_SOURCE_PATH = "ud_source_path"
UD_TARGET_PATH = "ud_target_path"
UD_ALIGNMENT_PATH = "ud_alignment_path"
UD_KIND = "ud_kind"
UD_LANG = "ud_lang"
UD_NAME = "ud_name"
UD_ALIGNERS = "ud_aligners"
UD_ALIGNERS_DEFAULT = "ud_aligners_default"   # the default last applied to UD_ALIGNERS
UD_METHODS = "ud_methods"
UD_RESULTS = "ud_results"          # list of dicts: run_id, aligner, method, f1, proj_ratio, lang
UD_JOB = "ud_job"                  # id of this session's queued run (ui/work_queue.py)
UD_TIMES = "ud_times"              # (seconds waited in the queue, seconds run) of the last run
UD_INSPECT = "ud_inspect"          # read-only mode: the in-memory result being inspected
UD_INSPECT_SID = "ud_inspect_sid"  # read-only mode: its sentence

# -- session state: imports ----------------------------------------------------------------
IMP_FORMAT = "imp_format"
IMP_LANG = "imp_lang"
IMP_NAME = "imp_name"
IMP_RESULT = "imp_result"  # dict: run_id, tool, sentences, has_gold, note

# -- keys used in one place each (a widget or a message) -----------------------------------
DASH_BARS = "dash_bars"
DASH_OPEN = "dash_open"
HOME_RUNS = "home_runs"
IMP_GO = "imp_go"
IMP_GOLD_COL = "imp_gold_col"
IMP_LENIENT = "imp_lenient"
IMP_METHOD = "imp_method"
IMP_SPLIT = "imp_split"
INSP_NER_PROBS = "insp_ner_probs"
INSP_NEXT = "insp_next"
INSP_PREV = "insp_prev"
INSP_TRAINING_QUERY = "insp_training_query"
PG_ERROR = "pg_error"
PG_TRANSLATE = "pg_translate"
UD_HAVE = "ud_have"
UD_RUN = "ud_run"

# -- values --------------------------------------------------------------------------------
SORTS = {"worst": "worst first", "index": "corpus order", "length": "longest first"}
VIEWS = {"auto": "auto", "rows": "two rows", "columns": "columns (long sentences)",
         "matrix": "matrix"}
RANKS = {"disagreement": "link disagreement (1 − Jaccard)", "f1": "F1 difference"}
CATEGORIES = ("exact", "boundary", "wrong_type", "missed", "spurious")

#: the dashboard's scores a person can choose
SCORES = {"f1": "F1", "precision": "precision", "recall": "recall",
          "proj_ratio": "projection ratio"}

# -- URL parameters per page ---------------------------------------------------------------
INSPECTOR_URL = (
    Param(QP_RUN, INSP_RUN),
    Param(QP_ALIGNER, INSP_ALIGNER),
    Param(QP_LANG, INSP_LANG),
    Param(QP_SID, INSP_SID),
    Param(QP_CATEGORY, INSP_CATEGORY, default=[], options=CATEGORIES, parse=split_list),
    Param(QP_TYPE, INSP_TYPE, default=[], parse=split_list),
    Param(QP_REASON, INSP_REASON, default=[], parse=split_list),
    Param(QP_QUERY, INSP_QUERY, default=""),
    Param(QP_SORT, INSP_SORT, default="worst", options=tuple(SORTS)),
    Param(QP_VIEW, INSP_VIEW, default="auto", options=tuple(VIEWS)),
    Param(QP_FOCUS, INSP_FOCUS, default=""),
)
COMPARE_URL = (
    Param(QP_RUNS, CMP_RUNS, default=[], parse=split_list),
    Param(QP_SID, CMP_SID),
    Param(QP_RANK, CMP_RANK, default="disagreement", options=tuple(RANKS)),
    Param(QP_VIEW, CMP_VIEW, default="auto", options=tuple(VIEWS)),
    Param(QP_FOCUS, CMP_FOCUS, default=""),
)
DASHBOARD_URL = (
    Param(QP_BENCHMARK, DASH_BENCHMARK),
)
