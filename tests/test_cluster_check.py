"""The cluster's config check (core/cluster/plan.py check_config) refuses, before loading any
model or dataset, a config whose plan needs a component it does not name or names badly."""

from __future__ import annotations

import pytest

from core.cluster.plan import check_config
from core.config import RunConfig
from core.errors import ProjectError


@pytest.mark.parametrize("values,setting,text", [
    ({"method": "candidates-ner-greedy"}, "target_tagger", "needs: target_tagger"),
    ({"pipeline": "translate-test", "translator": "", "tagger": ""}, "translator",
     "needs: translator, tagger"),
    ({"aligner": "bogus:x"}, "aligner", "unknown aligner"),
    ({"pipeline": "model-transfer", "tagger": "nosuchbackend:x"}, "tagger", "nosuchbackend"),
])
def test_a_component_the_plan_needs_is_checked(values, setting, text) -> None:
    with pytest.raises(ProjectError, match=text) as exc:
        check_config(RunConfig(**values), None)
    assert exc.value.setting == setting
