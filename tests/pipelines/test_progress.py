"""A failed step in words (pipelines/progress.py): an unexpected Python error names the asset, its inputs and what
to check; a message klimamonitor raises on purpose is shown as it is."""

from dagster import Definitions, asset
from dagster._utils.error import SerializableErrorInfo

from pipelines.progress import failure_message, step_inputs


def error(cls_name: str, message: str) -> SerializableErrorInfo:
    return SerializableErrorInfo(message=f"{cls_name}: {message}\n", stack=[], cls_name=cls_name)


def test_an_unexpected_error_names_the_asset_its_inputs_and_what_to_check():
    text = failure_message("indicators", error("TypeError", "can only string multiply by an integer"),
                           ["balance_summary", "electricity_generation"])
    assert text == ("unexpected error in asset indicators (TypeError: can only string multiply by an integer); "
                    "its inputs: balance_summary, electricity_generation. Check that the sources feeding "
                    "them delivered and were accepted (`klimamonitor status`, the deliveries table), then report it "
                    "with this message as a klimamonitor bug")


def test_a_message_of_klimamonitor_stays_as_it_is():
    assert failure_message("emission_factors", error("FactorError", "factor set 'x' was not delivered")) == \
        "FactorError: factor set 'x' was not delivered"


def test_a_failed_blocking_check_is_named_without_dagsters_error_class():
    dagster_text = "dagster._core.errors.DagsterAssetCheckFailedError: 2 blocking asset checks failed with ERROR " \
        "severity:\ndeliveries: grid_deliveries_readable,mastr_deliveries_readable"
    err = SerializableErrorInfo(message=dagster_text, stack=[], cls_name="DagsterAssetCheckFailedError")
    assert failure_message("deliveries", err) == ("blocking check grid_deliveries_readable, mastr_deliveries_readable "
                                                  "did not pass (see above): what depends on it does not run")


def test_the_inputs_of_a_step_come_from_the_job():
    @asset
    def upstream() -> int:
        return 1

    @asset
    def downstream(upstream: int) -> int:
        return upstream

    job = Definitions(assets=[upstream, downstream]).resolve_implicit_global_asset_job_def()
    assert step_inputs(job, "downstream") == ["upstream"]
    assert step_inputs(job, "no_such_step") == []
