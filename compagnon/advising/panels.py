"""The follow-up panel on a member's page (``members.panels``), for who follows the member: the
next appointment, the last one held, open next steps, and a link to the follow-up file."""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import FollowUp


def advising_panel(request, member) -> str:
    if not request.user.has_perm("advising.follow_member", member):
        return ""
    follow_up = FollowUp.objects.filter(member_id=member.pk).first()
    return render_to_string("advising/_panel.html", {"member": member, "follow_up": follow_up}, request=request)
