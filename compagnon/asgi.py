import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compagnon.settings")
application = get_asgi_application()

# A production process refuses to serve while demo accounts (public password) exist.
from compagnon.accounts.demo_guard import refuse_to_serve  # noqa: E402

refuse_to_serve()
