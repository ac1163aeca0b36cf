from django.urls import path, re_path

from . import views, views_assembly, views_surplus

urlpatterns = [
    path("governance/", views.index, name="governance-index"),
    path("governance/<int:entity_pk>/register/", views.register_page, name="governance-register"),
    path("governance/<int:entity_pk>/register/settings/", views.settings_view, name="governance-settings"),
    path("governance/<int:entity_pk>/register/categories/", views.category_view, name="governance-category-add"),
    path("governance/<int:entity_pk>/register/admit/", views.admit_view, name="governance-admit"),
    path("governance/associates/<int:pk>/", views.associate_page, name="governance-associate"),
    path("governance/associates/<int:pk>/movement/", views.movement_view, name="governance-movement"),
    path("governance/<int:entity_pk>/decisions/", views.transparency, name="governance-decisions"),
    path("governance/<int:entity_pk>/assemblies/", views_assembly.assembly_list, name="governance-assemblies"),
    path("governance/assemblies/<int:pk>/", views_assembly.assembly_page, name="governance-assembly"),
    path("governance/assemblies/<int:pk>/documents/", views_assembly.add_document, name="governance-document-add"),
    path("governance/assemblies/<int:pk>/resolutions/", views_assembly.add_resolution, name="governance-resolution-add"),
    path("governance/assemblies/<int:pk>/attend/", views_assembly.attend, name="governance-attend"),
    path("governance/assemblies/<int:pk>/proxy/", views_assembly.proxy, name="governance-proxy"),
    re_path(
        r"^governance/assemblies/(?P<pk>[0-9]+)/(?P<action>convene|open|close)/$",
        views_assembly.step,
        name="governance-step",
    ),
    path(
        "governance/assemblies/<int:pk>/resolutions/<int:resolution_pk>/vote/",
        views_assembly.vote,
        name="governance-vote",
    ),
    path("governance/assemblies/<int:pk>/verify/", views_assembly.verify, name="governance-verify"),
    path("governance/assemblies/<int:pk>/minutes.pdf", views_assembly.minutes, name="governance-minutes"),
    path("governance/documents/<int:pk>/", views_assembly.document, name="governance-document"),
    path("governance/<int:entity_pk>/transparency/", views_surplus.transparency_page, name="governance-transparency"),
    path("governance/<int:entity_pk>/surplus/", views_surplus.surplus_page, name="governance-surplus"),
    path("governance/<int:entity_pk>/surplus/rules/", views_surplus.rules_view, name="governance-surplus-rules"),
    path("governance/<int:entity_pk>/surplus/simulate/", views_surplus.simulate_view, name="governance-surplus-simulate"),
    path("governance/allocations/<int:pk>/", views_surplus.allocation_page, name="governance-allocation"),
    path("governance/allocations/<int:pk>/post/", views_surplus.post_view, name="governance-allocation-post"),
]
