from compagnon.fieldwork.tests.conftest import nantes  # noqa: F401 - the sector of gardeners in Nantes
