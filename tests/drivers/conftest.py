"""pytest glue of the driver tests (tests/drivers/README.md).

Every test file names its DRIVER; every test function `test_<scenario>` is one scenario of the
driver × scenario table. REDWIRE_TEST_TARGET picks the server: `redwire` (default) runs the drivers
through redwire, `direct` runs the same tests on the PostgreSQL behind the emulator, to prove the
tests themselves. Scenarios listed in known-failures are expected to fail on redwire (strict xfail:
a scenario that starts passing fails the run until its line is removed).
"""

import os

import pytest

import drivers_common as dc


# nodeid → the DRIVER of its module, for the results lines.
_DRIVERS = {}


def pytest_collection_modifyitems(config, items):
    known = dc.known_failures()
    for item in items:
        driver = getattr(item.module, "DRIVER", None)
        _DRIVERS[item.nodeid] = driver
        scenario = item.originalname.removeprefix("test_")
        reason = known.get((driver, scenario))
        if reason is not None and dc.target() == "redwire":
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


def pytest_runtest_logreport(report):
    # One line per scenario for the README's table (tests/drivers/scenario-table).
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    path = os.environ.get("REDWIRE_DRIVERS_RESULTS")
    if not path:
        return
    name = report.nodeid.partition("::")[2]
    driver = _DRIVERS.get(report.nodeid, "?")
    outcome = "pass" if report.passed and not hasattr(report, "wasxfail") else "fail"
    dc.record(driver, name.split("[")[0].removeprefix("test_"), outcome)


@pytest.fixture(scope="session")
def target():
    return dc.target()
