"""``GET /api/v1/home/``: the member's dashboard as data, the same figures and to-dos as the page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from compagnon.members import selectors as member_selectors
from compagnon.notifications import selectors as notification_selectors

from . import dashboard
from .views import NEWS


class HomeFiguresSerializer(serializers.Serializer):
    owed = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Still owed by clients on issued invoices.")
    owed_count = serializers.IntegerField()
    overdue = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Of which past the due date.")
    overdue_count = serializers.IntegerField()
    cashed = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Received this month.")
    cashed_count = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="This year's sales excl. VAT so far.")
    result = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="This year's income minus expenses so far.")


class HomeActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="activity.pk")
    name = serializers.CharField(source="activity.name")
    figures = HomeFiguresSerializer()


class HomeTodoItemSerializer(serializers.Serializer):
    text = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The page where it is done.")
    activity = serializers.CharField()


class HomeTodoSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["to_invoice", "approvals", "commitments", "not_sent", "expiring",
                                           "statements", "drafts"])
    title = serializers.CharField()
    count = serializers.IntegerField()
    items = HomeTodoItemSerializer(many=True, help_text="The first three, the most urgent first.")


class HomeNotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    is_read = serializers.BooleanField()


class HomeSerializer(serializers.Serializer):
    today = serializers.DateField()
    total = HomeFiguresSerializer()
    activities = HomeActivitySerializer(many=True)
    todos = HomeTodoSerializer(many=True, help_text="Only kinds with something waiting; empty when all is clear.")
    notifications = HomeNotificationSerializer(many=True)


@extend_schema(tags=["home"], responses=HomeSerializer)
@api_view(["GET"])
def home(request):
    """My dashboard: what clients owe me (of which overdue), what I cashed this month, this year's
    revenue and result, per activity and in total; what waits for me; my latest notifications."""
    user = request.user
    activities = [m.activity for m in member_selectors.my_memberships(user)]
    money = dashboard.money(user, activities)
    data = {
        "today": money.today,
        "total": money.total,
        "activities": money.activities,
        "todos": dashboard.todos(user, [a.pk for a in activities], today=money.today),
        "notifications": list(notification_selectors.notifications(user)[:NEWS]),
    }
    return Response(HomeSerializer(data).data)
