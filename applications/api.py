"""REST API for civil affairs and rural revitalization: the referrals waiting in their queue, and replies.

Token authentication (DRF ``TokenAuthentication``); scoped like the pages: an officer sees referrals of
their region subtree and department only. Bad payloads answer 400 with field errors and change nothing.
"""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors, services
from applications.models import AssistanceApplication
from claimants import roles
from core.errors import DomainError
from core.roles import DEPARTMENT_OFFICERS


class IsDepartmentOfficer(permissions.BasePermission):
    message = gettext_lazy("仅民政、乡村振兴经办人可使用此接口")

    def has_permission(self, request, view) -> bool:
        return roles.has_role(request.user, DEPARTMENT_OFFICERS)


class ReferralSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    claimant_name = serializers.CharField(source="claimant.name", read_only=True)
    claimant_id_number = serializers.CharField(source="claimant.masked_id_number", read_only=True)
    region_name = serializers.CharField(source="region.full_name", read_only=True)

    class Meta:
        model = AssistanceApplication
        fields = (
            "id",
            "number",
            "kind",
            "state",
            "claimant_name",
            "claimant_id_number",
            "region",
            "region_name",
            "requested_category",
            "referred_department",
            "submitted_on",
            "due_on",
        )
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("certify", gettext_lazy("认定")), ("decline", gettext_lazy("不予认定"))]
    )
    reason = serializers.CharField(max_length=2000)
    category = serializers.CharField(max_length=40, required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)
    certificate_number = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate_reason(self, value: str) -> str:
        if "\x00" in value or not value.strip():
            raise serializers.ValidationError(_("请填写理由"))
        return value.strip()

    def validate(self, data):
        if data["decision"] == "certify":
            if not data.get("valid_from"):
                raise serializers.ValidationError({"valid_from": _("认定须填写有效期起")})
            if data.get("valid_to") and data["valid_to"] < data["valid_from"]:
                raise serializers.ValidationError({"valid_to": _("有效期止不能早于有效期起")})
        return data


ERROR = inline_serializer(
    "Error", {"detail": serializers.CharField(), "code": serializers.CharField(required=False)}
)
FIELD_ERRORS = OpenApiResponse(
    description="Invalid payload (field errors) or a refused transition (detail and code)",
    response=inline_serializer(
        "ReplyErrors",
        {"detail": serializers.CharField(required=False), "code": serializers.CharField(required=False)},
    ),
)


class StrictPageNumberPagination(PageNumberPagination):
    """A page number that is not a positive integer is 404, as the schema says (not silently page 1)."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise NotFound(_("无效页面。"))
        return super().get_page_number(request, paginator)


class ReferralListView(generics.ListAPIView):
    """Referrals waiting for the officer's department in their region (分办转办 queue)."""

    serializer_class = ReferralSerializer
    pagination_class = StrictPageNumberPagination
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsDepartmentOfficer]

    def get_queryset(self):
        return (
            selectors.inbox(self.request.user).select_related("claimant", "region").order_by("due_on", "id")
        )

    @extend_schema(responses={200: ReferralSerializer(many=True), 401: ERROR, 403: ERROR, 404: ERROR})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReferralReplyView(APIView):
    """结果反馈: certify (creating the certification) or decline, with the reason."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsDepartmentOfficer]

    @extend_schema(
        request=ReplySerializer,
        responses={200: ReferralSerializer, 400: FIELD_ERRORS, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request, pk: str):
        if not (pk.isascii() and pk.isdigit()):  # a malformed id answers JSON 404, not Django's HTML page
            raise NotFound
        application = selectors.get_application_for_user(user=request.user, application_id=int(pk))
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if data["decision"] == "certify":
                application = services.certify_referral(
                    application=application,
                    by=request.user,
                    category=data.get("category", ""),
                    valid_from=data["valid_from"],
                    valid_to=data.get("valid_to"),
                    certificate_number=data.get("certificate_number", ""),
                    reason=data["reason"],
                )
            else:
                application = services.decline_referral(
                    application=application, by=request.user, reason=data["reason"]
                )
        except DomainError as exc:
            return Response(
                {"detail": exc.message, "code": str(exc.code)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(ReferralSerializer(application).data)


urlpatterns = [
    path("referrals/", ReferralListView.as_view(), name="api_referral_list"),
    path("referrals/<str:pk>/reply/", ReferralReplyView.as_view(), name="api_referral_reply"),
]
