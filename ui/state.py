"""Names of URL query parameters and session-state keys, in one place.

Query parameters (deep links) are short and stable, because users share URLs:

- inspector: ``run``, ``lang``, ``sid``, ``aligner``, ``cat``, ``type``, ``reason``, ``q``,
  ``sort``, ``view``, ``focus``;
- compare: ``runs`` (comma-separated run ids), ``sid``, ``rank``, ``view``, ``focus``.

Widget keys are prefixed per page (``insp_``, ``cmp_``) so two pages never share a widget state.
"""

# -- query parameters ------------------------------------------------------------------------
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

# -- session state: shared ------------------------------------------------------------------
EXTRA_ROOTS = "run_roots_extra"      # list[str] of directories added in the sidebar
ROOT_INPUT = "run_roots_input"       # the sidebar text input
ROOT_ERROR = "_run_roots_error"      # message of a rejected directory (shown once)
URL_SEEN = "_url_seen"               # {page: {param: last value synced}}

# -- session state: inspector ---------------------------------------------------------------
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
INSP_TABLE_IDS = "_insp_table_ids"

# -- session state: compare -----------------------------------------------------------------
CMP_SET = "cmp_set"
CMP_RUNS = "cmp_runs"
CMP_SID = "cmp_sid"
CMP_RANK = "cmp_rank"
CMP_VIEW = "cmp_view"
CMP_FOCUS = "cmp_focus"
CMP_TABLE = "cmp_table"
CMP_FIGURE = "cmp_figure"
CMP_TABLE_IDS = "_cmp_table_ids"

# -- values ----------------------------------------------------------------------------------
SORTS = {"worst": "worst first", "index": "corpus order", "length": "longest first"}
VIEWS = {"auto": "auto", "rows": "two rows", "columns": "columns (long sentences)",
         "matrix": "matrix"}
RANKS = {"disagreement": "link disagreement (1 − Jaccard)", "f1": "F1 difference"}
CATEGORIES = ("exact", "boundary", "wrong_type", "missed", "spurious")
