"""REST endpoint for the platform's monthly totals per hospital (对总账): a CSV or XLSX file posted as
``file`` (multipart). 200 with the counts; 400 with the reason and every wrong row, nothing stored."""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claimants import roles
from core.errors import DomainError
from finance import platform_totals


class IsFinanceOfficer(permissions.BasePermission):
    message = gettext_lazy("仅财务人员可使用此接口")

    def has_permission(self, request, view) -> bool:
        return roles.has_role(request.user, platform_totals.IMPORTERS)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


RESULT = inline_serializer(
    "PlatformTotalsResult",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
    },
)
REFUSAL = OpenApiResponse(
    description="The file was refused as a whole: the reason, its code and every wrong row",
    response=inline_serializer(
        "PlatformTotalsRefusal",
        {
            "detail": serializers.CharField(),
            "code": serializers.CharField(required=False),
            "errors": inline_serializer(
                "PlatformTotalsRowError",
                {
                    "row": serializers.IntegerField(),
                    "column": serializers.CharField(),
                    "message": serializers.CharField(),
                },
                many=True,
                required=False,
            ),
        },
    ),
)
ERROR = inline_serializer("PlatformTotalsError", {"detail": serializers.CharField()})


class PlatformTotalsView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsFinanceOfficer]
    parser_classes = [MultiPartParser]

    @extend_schema(request=UploadSerializer, responses={200: RESULT, 400: REFUSAL, 401: ERROR, 403: ERROR})
    def post(self, request):
        serializer = UploadSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                {
                    "detail": "; ".join(str(e) for errors in serializer.errors.values() for e in errors),
                    "code": "invalid",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        upload = serializer.validated_data["file"]
        try:
            result = platform_totals.import_platform_totals(
                file_name=upload.name, content=upload.read(), by=request.user
            )
        except platform_totals.PlatformImportRefused as exc:
            return Response(
                {
                    "detail": exc.message,
                    "code": str(exc.code),
                    "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DomainError as exc:
            return Response(
                {"detail": exc.message, "code": str(exc.code)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


urlpatterns = [
    path("platform-totals/", PlatformTotalsView.as_view(), name="api_platform_totals"),
]
