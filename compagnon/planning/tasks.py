import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def compute_proposal(*, proposal_id: int) -> str:
    """Compute a proposed plan. The solver stops at the proposal's time limit
    (``PLANNING_SECONDS``, 6 s by default); the page polls until the state changes."""
    from .services import compute

    state = compute(proposal_id)
    logger.info("proposal %s: %s", proposal_id, state)
    return state
