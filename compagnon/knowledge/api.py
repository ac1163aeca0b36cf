"""The help-centre API, with the pages' selectors and services (404 outside what one reads):

* ``knowledge/articles/?q=&topic=&kind=`` — published articles one reads, in one's language when
  written in it (``q``: full-text search, best first); POST writes a new article (a draft);
  ``{id}/?lang=`` — the text (Markdown and safe HTML), its languages, and the caller's draft when
  they may see it; PATCH ``{language, title, summary, body, change_note}`` saves the draft of that
  language; ``{id}/submit/`` ``{language}`` sends it for review; ``{id}/review/`` ``{language,
  decision: approve|changes|reject, comment}`` (editors); ``{id}/history/`` the versions;
  ``{id}/restore/`` ``{revision}`` (editors); ``{id}/feedback/`` POST ``{language, useful,
  comment}`` once per person and version, GET the counts (its author and the editors);
  ``{id}/settings/`` ``{topic, kind, shared, page_keys}`` (editors);
* ``knowledge/faq/`` — the FAQ one reads; editors create, change (PATCH) and delete entries;
* ``knowledge/topics/`` — topics, with their confirmed experts on ``{id}/``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from compagnon.core.api import valid_data
from compagnon.core.params import bool_param, choice_param, id_param, text_param
from compagnon.organisation.models import Entity

from . import catalogue, search, selectors, services
from .models import (
    LANGUAGES,
    Article,
    FaqEntry,
    Kind,
    Revision,
    Topic,
    in_language,
    reader_language,
)
from .rules import editor_entity_ids, writer_entity_ids
from .text import render

TAG = ["knowledge"]
LANG_HELP = "fr, nl or en"


class KnowledgeArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField()
    topic = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(help_text="article or tutorial")
    shared = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField(help_text="The language shown: the reader's when written in it.")
    other_language = serializers.BooleanField(help_text="True when the reader's language is not available.")
    title = serializers.CharField()
    summary = serializers.CharField()


class KnowledgeDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    language = serializers.CharField()
    state = serializers.CharField(help_text="draft, review or changes")
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    html = serializers.CharField()
    change_note = serializers.CharField()
    review_comment = serializers.CharField()
    author = serializers.CharField()
    updated_at = serializers.DateTimeField()


class KnowledgeArticleDetailSerializer(KnowledgeArticleSerializer):
    version = serializers.IntegerField(allow_null=True)
    body = serializers.CharField(help_text="Markdown.")
    html = serializers.CharField(help_text="The text as safe HTML.")
    languages = serializers.ListField(child=serializers.CharField(), help_text="Published languages.")
    draft = KnowledgeDraftSerializer(allow_null=True)
    may_edit = serializers.BooleanField()
    may_review = serializers.BooleanField()


class KnowledgeWriteSerializer(serializers.Serializer):
    entity = serializers.IntegerField(required=False, help_text="Default: your own entity.")
    topic = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.CharField(required=False, default="article", help_text="article or tutorial")
    language = serializers.CharField(help_text=LANG_HELP)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=60_000)


class KnowledgeDraftInSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=LANG_HELP)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=60_000)
    change_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class KnowledgeLanguageSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=LANG_HELP)


class KnowledgeReviewSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=LANG_HELP)
    decision = serializers.CharField(help_text="approve, changes or reject")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class KnowledgeRestoreSerializer(serializers.Serializer):
    revision = serializers.IntegerField()


class KnowledgeVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    language = serializers.CharField(source="translation.language")
    version = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    title = serializers.CharField()
    change_note = serializers.CharField()
    author = serializers.CharField()
    reviewed_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    restored_from = serializers.IntegerField(source="restored_from_id", allow_null=True)


class KnowledgeFeedbackInSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=LANG_HELP)
    useful = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class KnowledgeFeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField(source="revision_id")
    useful = serializers.BooleanField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class KnowledgeCountsSerializer(serializers.Serializer):
    language = serializers.CharField()
    yes = serializers.IntegerField(help_text="The current version's “useful”.")
    no = serializers.IntegerField()
    all_yes = serializers.IntegerField(help_text="Every version's.")
    all_no = serializers.IntegerField()


class KnowledgeSettingsSerializer(serializers.Serializer):
    topic = serializers.IntegerField(allow_null=True, required=False)
    kind = serializers.CharField(help_text="article or tutorial")
    shared = serializers.BooleanField()
    page_keys = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)


def _row(article: Article, translation) -> dict:
    return {"id": article.pk, "entity": article.entity_id, "topic": article.topic_id, "kind": article.kind,
            "shared": article.shared, "published_at": article.published_at, "language": translation.language,
            "other_language": translation.language != reader_language(), "title": translation.title,
            "summary": translation.summary}


def _draft(d: Revision | None) -> dict | None:
    if d is None:
        return None
    return {"id": d.pk, "language": d.translation.language, "state": d.state, "title": d.title, "summary": d.summary,
            "body": d.body, "html": d.html, "change_note": d.change_note, "review_comment": d.review_comment,
            "author": str(d.author), "updated_at": d.updated_at}


def _topic(user, pk):
    if not pk:
        return None
    t = selectors.topics(user).filter(pk=pk).first()
    if t is None:
        raise Http404
    return t


ARTICLE_PARAMS = [OpenApiParameter("q", str, description="Words to look for (accents and case ignored)."),
                  OpenApiParameter("topic", int), OpenApiParameter("kind", str, enum=Kind.values)]


class ArticleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = KnowledgeArticleSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        return selectors.articles(self.request.user)

    def _detail(self, article, lang=""):
        user = self.request.user
        article = selectors.article(user, article.pk)
        translations = selectors.translations_of(article)
        published = [t for t in translations if t.current_id]
        shown = selectors.pick(published, lang or None)
        drafts = [d for d in (selectors.open_draft(user, t) for t in translations) if d]
        draft = next((d for d in drafts if d.translation.language == lang), drafts[0] if drafts else None)
        if shown is None and draft is None:
            raise Http404
        base = _row(article, shown) if shown else {**_row(article, draft.translation), "title": draft.title,
                                                    "summary": draft.summary}
        rev = shown.current if shown else None
        return {**base, "version": rev.version if rev else None, "body": rev.body if rev else "",
                "html": rev.html if rev else "", "languages": [t.language for t in published], "draft": _draft(draft),
                "may_edit": user.has_perm("knowledge.edit_article", article),
                "may_review": user.has_perm("knowledge.edit", article)}

    @extend_schema(tags=TAG, parameters=ARTICLE_PARAMS)
    def list(self, request, *args, **kwargs):
        q = text_param(request, "q")
        topic_id = id_param(request, "topic")
        kind = choice_param(request, "kind", Kind.values)
        if q:
            rows = [_row(t.article, t) for t in search.articles(request.user, q, topic_id=topic_id)
                    if not kind or t.article.kind == kind]
        else:
            qs = selectors.published_list(request.user, kind=kind)
            if topic_id:
                qs = qs.filter(topic_id=topic_id)
            page = self.paginate_queryset(qs)
            rows = [_row(a, a.shown) for a in selectors.with_pick(page)]
            return self.get_paginated_response(KnowledgeArticleSerializer(rows, many=True).data)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(KnowledgeArticleSerializer(page, many=True).data)

    @extend_schema(tags=TAG, responses=KnowledgeArticleDetailSerializer,
                   parameters=[OpenApiParameter("lang", str, enum=[*LANGUAGES])])
    def retrieve(self, request, *args, **kwargs):
        lang = choice_param(request, "lang", LANGUAGES)
        return Response(KnowledgeArticleDetailSerializer(self._detail(self.get_object(), lang)).data)

    @extend_schema(tags=TAG, request=KnowledgeWriteSerializer, responses={201: KnowledgeArticleDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = valid_data(KnowledgeWriteSerializer, request)
        writers = writer_entity_ids(request.user)
        entity_id = data.pop("entity", None) or (min(writers) if writers else None)
        if entity_id not in writers:
            raise Http404
        entity = Entity.objects.get(pk=entity_id)
        revision = services.create_article(actor=request.user, entity=entity, topic=_topic(request.user,
                                                                                          data.pop("topic", None)),
                                           **data)
        article = revision.translation.article
        return Response(KnowledgeArticleDetailSerializer(self._detail(article, revision.translation.language)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=KnowledgeDraftInSerializer, responses=KnowledgeArticleDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        article = self.get_object()
        data = valid_data(KnowledgeDraftInSerializer, request)
        services.save_draft(actor=request.user, article=article, **data)
        return Response(KnowledgeArticleDetailSerializer(self._detail(article, data["language"])).data)

    @extend_schema(tags=TAG, request=KnowledgeLanguageSerializer, responses=KnowledgeArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        article = self.get_object()
        data = valid_data(KnowledgeLanguageSerializer, request)
        services.submit(actor=request.user, article=article, language=data["language"])
        return Response(KnowledgeArticleDetailSerializer(self._detail(article, data["language"])).data)

    @extend_schema(tags=TAG, request=KnowledgeReviewSerializer, responses=KnowledgeArticleDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        article = self.get_object()
        data = valid_data(KnowledgeReviewSerializer, request)
        services.review(actor=request.user, article=article, **data)
        return Response(KnowledgeArticleDetailSerializer(self._detail(article, data["language"])).data)

    @extend_schema(tags=TAG, responses=KnowledgeVersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        rows = selectors.history(request.user, self.get_object())
        return Response(KnowledgeVersionSerializer([{
            **{f: getattr(r, f) for f in ("id", "translation", "version", "state", "title", "change_note",
                                          "created_at", "published_at", "restored_from_id")},
            "author": str(r.author), "reviewed_by": str(r.reviewed_by) if r.reviewed_by else None} for r in rows],
            many=True).data)

    @extend_schema(tags=TAG, request=KnowledgeRestoreSerializer, responses=KnowledgeVersionSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        article = self.get_object()
        data = valid_data(KnowledgeRestoreSerializer, request)
        revision = Revision.objects.filter(pk=data["revision"], translation__article=article).first()
        if revision is None:
            raise Http404
        r = services.restore(actor=request.user, article=article, revision=revision)
        return Response(KnowledgeVersionSerializer({
            **{f: getattr(r, f) for f in ("id", "translation", "version", "state", "title", "change_note",
                                          "created_at", "published_at", "restored_from_id")},
            "author": str(r.author), "reviewed_by": str(r.reviewed_by)}).data)

    @extend_schema(tags=TAG, methods=["GET"], request=None, responses=KnowledgeCountsSerializer(many=True))
    @extend_schema(tags=TAG, methods=["POST"], request=KnowledgeFeedbackInSerializer,
                   responses={201: KnowledgeFeedbackSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def feedback(self, request, pk=None):
        article = self.get_object()
        if request.method == "GET":
            if not selectors.sees_feedback(request.user, article):
                raise PermissionDenied()
            counts = selectors.feedback_counts(article)
            return Response(KnowledgeCountsSerializer([{"language": k, **v} for k, v in sorted(counts.items())],
                                                      many=True).data)
        data = valid_data(KnowledgeFeedbackInSerializer, request)
        f = services.give_feedback(actor=request.user, article=article, **data)
        return Response(KnowledgeFeedbackSerializer(f).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=KnowledgeSettingsSerializer, responses=KnowledgeArticleDetailSerializer)
    @action(detail=True, methods=["post"], url_path="settings")
    def article_settings(self, request, pk=None):
        article = self.get_object()
        data = valid_data(KnowledgeSettingsSerializer, request)
        topic = Topic.objects.filter(pk=data.get("topic")).first() if data.get("topic") else None
        if data.get("topic") and topic is None:
            raise Http404
        services.update_settings(actor=request.user, article=article, topic=topic, kind=data["kind"],
                                 shared=data["shared"], page_keys=data["page_keys"])
        return Response(KnowledgeArticleDetailSerializer(self._detail(article)).data)


class KnowledgeFaqSerializer(serializers.ModelSerializer):
    question = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    answer_html = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField()

    class Meta:
        model = FaqEntry
        fields = ["id", "entity", "shared", "topic", "position", "language", "question", "answer", "answer_html",
                  "question_fr", "question_nl", "question_en", "answer_fr", "answer_nl", "answer_en"]
        read_only_fields = fields
        extra_kwargs = {"topic": {"allow_null": True}}

    def get_language(self, obj) -> str:
        return in_language(obj, "question")[1]

    def get_question(self, obj) -> str:
        return in_language(obj, "question")[0]

    def get_answer(self, obj) -> str:
        return getattr(obj, f"answer_{self.get_language(obj)}", "")

    def get_answer_html(self, obj) -> str:
        return render(self.get_answer(obj))


class KnowledgeFaqInSerializer(serializers.Serializer):
    entity = serializers.IntegerField(required=False, help_text="Default: the first entity you edit.")
    topic = serializers.IntegerField(required=False, allow_null=True)
    shared = serializers.BooleanField(required=False, default=False)
    position = serializers.IntegerField(required=False, default=0, min_value=0, max_value=32767)
    question_fr = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    question_nl = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    question_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    answer_fr = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    answer_nl = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    answer_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class FaqViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                 viewsets.ReadOnlyModelViewSet):
    serializer_class = KnowledgeFaqSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FaqEntry.objects.none()
        if self.action in ("partial_update", "destroy"):
            return FaqEntry.objects.filter(entity_id__in=editor_entity_ids(self.request.user))
        return selectors.faq(self.request.user, topic_obj=_topic(self.request.user, id_param(self.request, "topic")))

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("topic", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _save(self, request, entry=None, partial=False):
        data = valid_data(KnowledgeFaqInSerializer, request)
        editors = editor_entity_ids(request.user)
        entity_id = data.pop("entity", None) or (entry.entity_id if entry else (min(editors) if editors else None))
        if entity_id is None:
            raise PermissionDenied()
        if entity_id not in editors and entity_id not in selectors.reader_entity_ids(request.user):
            raise Http404
        topic = _topic(request.user, data.pop("topic", None))
        if partial and entry is not None:
            sent = set(request.data.keys()) if hasattr(request.data, "keys") else set()
            for key in list(data):
                if key not in sent:
                    data[key] = getattr(entry, key)
            if "topic" not in sent:
                topic = entry.topic
        return catalogue.save_faq(actor=request.user, entity=Entity.objects.get(pk=entity_id), entry=entry,
                                  topic=topic, **data)

    @extend_schema(tags=TAG, request=KnowledgeFaqInSerializer, responses={201: KnowledgeFaqSerializer})
    def create(self, request, *args, **kwargs):
        return Response(KnowledgeFaqSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, request=KnowledgeFaqInSerializer, responses=KnowledgeFaqSerializer)
    def partial_update(self, request, *args, **kwargs):
        return Response(KnowledgeFaqSerializer(self._save(request, self.get_object(), partial=True)).data)

    @extend_schema(tags=TAG, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        catalogue.delete_faq(actor=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class KnowledgeExpertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="member.user_id", help_text="Write to them: messaging's ?to=<user>.")
    name = serializers.CharField(source="member.__str__")
    note = serializers.CharField()
    state = serializers.CharField(help_text="proposed or confirmed")


class KnowledgeTopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entity = serializers.IntegerField(source="entity_id")
    shared = serializers.BooleanField()
    name = serializers.CharField()
    description = serializers.CharField()
    position = serializers.IntegerField()


class KnowledgeTopicDetailSerializer(KnowledgeTopicSerializer):
    experts = serializers.SerializerMethodField()

    @extend_schema_field(KnowledgeExpertSerializer(many=True))
    def get_experts(self, obj) -> list:
        return KnowledgeExpertSerializer(self.context["experts"], many=True).data


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KnowledgeTopicSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Topic.objects.none()
        return selectors.topics(self.request.user)

    @extend_schema(tags=TAG, parameters=[OpenApiParameter("mine", bool, description="Only topics I am expert of.")])
    def list(self, request, *args, **kwargs):
        if bool_param(request, "mine"):
            me = selectors.own_member(request.user)
            self.queryset = self.get_queryset().filter(experts__member=me) if me else Topic.objects.none()
            page = self.paginate_queryset(self.queryset)
            return self.get_paginated_response(KnowledgeTopicSerializer(page, many=True).data)
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=TAG, responses=KnowledgeTopicDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        topic = self.get_object()
        return Response(KnowledgeTopicDetailSerializer(topic, context={
            "experts": [e for e in selectors.experts(request.user, topic) if e.state == "confirmed"]}).data)
