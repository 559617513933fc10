"""A notice to a few thousand subscribers through real processes while something breaks at 30 % progress.

Each scenario asserts the issue's targets once the fault clears: every recipient has the notice within the
recovery target (``recover_within``, see conftest), none is lost, at most one duplicate per killed worker and
every duplicate carries its row's Message-ID, the delivery report matches what the mail server accepted, the
recipients it rejected (550) were tried once and failed, and those it deferred (451) were delivered once.
"""

from __future__ import annotations

import pytest

from .scenarios import (
    Outcome,
    Scenario,
    kill_pool_child,
    kill_worker,
    make_audience,
    redis_back_after,
    redis_down_before_publish,
    redis_restart,
    run_notice_scenario,
    smtp_down,
    smtp_hang,
)

pytestmark = [pytest.mark.slow, pytest.mark.subprocess, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 2000
TIMEOUT = 240


def run(stack, scenario: Scenario) -> Outcome:
    audience = make_audience(RECIPIENTS, scenario.name.replace("-", ""))
    return run_notice_scenario(stack, scenario, audience, timeout=TIMEOUT)


def assert_targets(outcome: Outcome, stack, recover_within: float, *, killed: int = 0) -> None:
    context = f"{outcome.line()}\nproblems: {outcome.problems}\n{stack.logs()}"
    assert outcome.lost == 0, context
    assert outcome.recovery_seconds is not None and outcome.recovery_seconds <= recover_within, context
    assert outcome.duplicates <= killed, context
    assert outcome.duplicates_share_message_id, context
    assert outcome.report_matches, context
    assert outcome.rejected_tries_max <= 1 + killed, context  # a 550 is not retried
    assert outcome.deferred_delivered_once or outcome.duplicates, context  # a 451 is, once
    print(outcome.line())


def test_the_mail_server_down_and_back(stack, recover_within):
    outcome = run(stack, Scenario("smtp-down", smtp_down(20)))  # as in the issue
    assert_targets(outcome, stack, recover_within)
    # Retried within seconds of the server coming back, not after the sweep: nothing waited for the clock.
    assert outcome.resume_seconds is not None and outcome.resume_seconds <= 35


def test_the_mail_server_hanging_is_treated_as_down(stack, recover_within):
    outcome = run(stack, Scenario("smtp-hang", smtp_hang(15)))  # longer than EMAIL_TIMEOUT (10 s)
    assert_targets(outcome, stack, recover_within)


def test_a_pool_child_killed(stack, recover_within):
    outcome = run(stack, Scenario("kill-pool-child", kill_pool_child))
    assert_targets(outcome, stack, recover_within, killed=1)


def test_a_worker_killed_with_its_child(stack, recover_within):
    outcome = run(stack, Scenario("kill-worker", kill_worker))
    assert_targets(outcome, stack, recover_within, killed=1)


def test_redis_restarted_without_persistence(stack, recover_within):
    outcome = run(stack, Scenario("redis-restart", redis_restart))
    assert_targets(outcome, stack, recover_within)


def test_redis_down_at_the_moment_of_publishing(stack, recover_within):
    outcome = run(
        stack, Scenario("redis-down-at-publish", redis_back_after(5), before_publish=redis_down_before_publish)
    )
    # The publication committed without waiting on the broker, and delivery started once Redis was back.
    assert outcome.publish_seconds < 10
    assert_targets(outcome, stack, recover_within)
