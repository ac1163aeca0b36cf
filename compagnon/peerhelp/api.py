"""The peer-help API, with the pages' selectors and services (404 outside one's entities):

* ``peerhelp/questions/?q=&trade=&state=answered|unanswered&show=mine|for_me|following`` — the
  questions one reads, newest first (``q``: every word, accents and case ignored); POST asks one
  (``title``, ``body``, ``trade``, ``skills``; photos through the page);
* ``peerhelp/questions/{id}/`` — the question with its answers; ``{id}/answers/`` POST
  ``{body}`` answers; ``{id}/close/`` POST; ``{id}/follow/`` POST follows, DELETE stops;
* ``peerhelp/questions/suggestions/?title=`` — answered questions like the one being typed;
* ``peerhelp/answers/{id}/`` — one answer; ``{id}/accept/`` POST (the asker);
  ``{id}/helped/`` POST ("this helped", once per person).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import choice_param, id_param, text_param
from compagnon.members.models import Trade

from . import search, selectors, services
from .models import Answer, Question

TAG = ["peerhelp"]


class PeerhelpPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


def _photos(items) -> list[dict]:
    return [{"id": p.pk, "name": p.name, "url": reverse("peerhelp-photo", args=[p.pk])} for p in items]


class PeerhelpQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField(source="entity_id")
    asker = serializers.CharField(help_text="The asker's name.")
    trade = serializers.IntegerField(source="trade_id", allow_null=True)
    skills = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField(help_text="open or closed")
    answers_count = serializers.IntegerField()
    accepted = serializers.IntegerField(source="accepted_id", allow_null=True)
    reached_count = serializers.IntegerField(help_text="How many colleagues the question was sent to.")
    created_at = serializers.DateTimeField()
    url = serializers.CharField()


class PeerhelpAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.IntegerField(source="question_id")
    author = serializers.CharField()
    member = serializers.IntegerField(source="member_id", allow_null=True)
    body = serializers.CharField()
    helped_count = serializers.IntegerField()
    accepted = serializers.BooleanField()
    photos = PeerhelpPhotoSerializer(many=True)
    created_at = serializers.DateTimeField()


class PeerhelpQuestionDetailSerializer(PeerhelpQuestionSerializer):
    body = serializers.CharField()
    photos = PeerhelpPhotoSerializer(many=True)
    answers = PeerhelpAnswerSerializer(many=True)
    following = serializers.BooleanField()


class PeerhelpAskSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    trade = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    skills = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PeerhelpAnswerInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


def _name(user) -> str:
    return user.get_full_name() or user.email.split("@")[0]


def _question_row(q: Question) -> dict:
    return {**{f: getattr(q, f) for f in ("id", "entity_id", "trade_id", "skills", "title", "state", "answers_count",
                                          "accepted_id", "reached_count", "created_at")},
            "asker": _name(q.asker.user), "url": reverse("peerhelp-question", args=[q.pk])}


def _answer_row(a: Answer, accepted_id) -> dict:
    return {**{f: getattr(a, f) for f in ("id", "question_id", "member_id", "body", "helped_count", "created_at")},
            "author": _name(a.author), "accepted": a.pk == accepted_id, "photos": _photos(a.photos.all())}


LIST_PARAMS = [
    OpenApiParameter("q", str, description="Words to look for (accents and case ignored)."),
    OpenApiParameter("trade", int),
    OpenApiParameter("state", str, enum=list(selectors.STATES)),
    OpenApiParameter("show", str, enum=list(selectors.SHOW)),
]


class QuestionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PeerhelpQuestionSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        return selectors.questions(self.request.user)

    def _detail(self, q: Question) -> dict:
        user = self.request.user
        q = selectors.question(user, q.pk)
        return {**_question_row(q), "body": q.body, "photos": _photos(selectors.question_photos(q)),
                "answers": [_answer_row(a, q.accepted_id) for a in selectors.answers_of(user, q)],
                "following": selectors.follows(user, q)}

    @extend_schema(tags=TAG, parameters=LIST_PARAMS)
    def list(self, request, *args, **kwargs):
        qs = selectors.find(request.user, q=text_param(request, "q"), trade_id=id_param(request, "trade"),
                            state=choice_param(request, "state", selectors.STATES),
                            show=choice_param(request, "show", selectors.SHOW))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PeerhelpQuestionSerializer([_question_row(q) for q in page], many=True).data)

    @extend_schema(tags=TAG, responses=PeerhelpQuestionDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(PeerhelpQuestionDetailSerializer(self._detail(self.get_object())).data)

    @extend_schema(tags=TAG, request=PeerhelpAskSerializer, responses={201: PeerhelpQuestionDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(PeerhelpAskSerializer, request)
        trade_id = data.pop("trade", None)
        trade = Trade.objects.filter(pk=trade_id).first() if trade_id else None
        if trade_id and trade is None:
            raise serializers.ValidationError({"trade": [_("Choose one of the trades listed.")]})
        q = services.ask(actor=request.user, trade=trade, **data)
        return Response(PeerhelpQuestionDetailSerializer(self._detail(q)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("title", str, description="What is being typed.")],
                   responses=PeerhelpQuestionSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def suggestions(self, request):
        found = search.suggestions(selectors.questions(request.user), text_param(request, "title"))
        return Response(PeerhelpQuestionSerializer([_question_row(q) for q in found], many=True).data)

    @extend_schema(tags=TAG, request=PeerhelpAnswerInSerializer, responses={201: PeerhelpAnswerSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        q = self.get_object()
        data = valid_data(PeerhelpAnswerInSerializer, request)
        made = services.answer(actor=request.user, question=q, body=data["body"])
        return Response(PeerhelpAnswerSerializer(_answer_row(made, None)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=None, responses=PeerhelpQuestionDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        q = services.close(actor=request.user, question=self.get_object())
        return Response(PeerhelpQuestionDetailSerializer(self._detail(q)).data)

    @extend_schema(tags=TAG, methods=["POST"], request=None, responses=PeerhelpQuestionDetailSerializer)
    @extend_schema(tags=TAG, methods=["DELETE"], request=None, responses={200: PeerhelpQuestionDetailSerializer})
    @action(detail=True, methods=["post", "delete"])
    def follow(self, request, pk=None):
        q = self.get_object()
        services.follow(actor=request.user, question=q, on=request.method == "POST")
        return Response(PeerhelpQuestionDetailSerializer(self._detail(q)).data)


class AnswerViewSet(viewsets.GenericViewSet):
    serializer_class = PeerhelpAnswerSerializer
    queryset = Answer.objects.none()

    def _answer(self, pk) -> Answer:
        try:
            return selectors.answer(self.request.user, int(pk))
        except (Answer.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None

    def _row(self, a: Answer) -> dict:
        a = Answer.objects.select_related("author", "question").prefetch_related("photos").get(pk=a.pk)
        return _answer_row(a, a.question.accepted_id)

    @extend_schema(tags=TAG, responses=PeerhelpAnswerSerializer)
    def retrieve(self, request, pk=None):
        return Response(PeerhelpAnswerSerializer(self._row(self._answer(pk))).data)

    @extend_schema(tags=TAG, request=None, responses=PeerhelpAnswerSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        a = self._answer(pk)
        services.accept(actor=request.user, answer=a)
        return Response(PeerhelpAnswerSerializer(self._row(a)).data)

    @extend_schema(tags=TAG, request=None, responses=PeerhelpAnswerSerializer)
    @action(detail=True, methods=["post"])
    def helped(self, request, pk=None):
        a = self._answer(pk)
        services.mark_helped(actor=request.user, answer=a)
        return Response(PeerhelpAnswerSerializer(self._row(a)).data)
