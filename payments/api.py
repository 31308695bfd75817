"""REST endpoint for the bank's result file of a released payment batch.

``POST /api/payment-batches/<id>/bank-results/`` with the file (multipart, field ``file``, CSV or XLSX):
200 with the counts and the batch's state; 400 with ``detail``, ``code`` and ``errors`` (one per bad line)
when anything is wrong, and then nothing is stored. Scoped like the pages: outside the region is 404.
"""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claimants import roles
from core.errors import DomainError
from payments import selectors, services, views


class MayImportResults(permissions.BasePermission):
    message = gettext_lazy("仅医保审核人员、管理人员可导入银行回盘")

    def has_permission(self, request, view) -> bool:
        return roles.has_role(request.user, services.IMPORTERS)


class ResultUpload(serializers.Serializer):
    file = serializers.FileField()

    def validate_file(self, value):
        if not value.name.lower().endswith((".csv", ".xlsx")):
            raise serializers.ValidationError(gettext_lazy("只接受CSV或XLSX文件"))
        return value


RESULT = inline_serializer(
    "BankResultOutcome",
    {
        "batch": serializers.CharField(),
        "state": serializers.CharField(),
        "paid": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
    },
)
ERRORS = OpenApiResponse(
    description="The file was refused: every problem, nothing stored",
    response=inline_serializer(
        "BankResultErrors",
        {
            "detail": serializers.CharField(),
            "code": serializers.CharField(required=False),
            "errors": serializers.ListField(child=serializers.CharField(), required=False),
        },
    ),
)
ERROR = inline_serializer("PaymentError", {"detail": serializers.CharField()})


class BankResultImportView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, MayImportResults]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ResultUpload},
        responses={200: RESULT, 400: ERRORS, 401: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request, pk: str):
        if not (pk.isascii() and pk.isdigit()):
            raise NotFound
        batch = selectors.batches_visible_to(request.user).filter(pk=int(pk)).first()
        if batch is None:
            raise NotFound
        upload = ResultUpload(data=request.data)
        if not upload.is_valid():
            errors = [str(e) for field_errors in upload.errors.values() for e in field_errors]
            return Response(
                {"detail": errors[0], "code": "invalid_upload", "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        uploaded = upload.validated_data["file"]
        try:
            outcome = views.import_results(
                batch=batch, by=request.user, name=uploaded.name, content=uploaded.read()
            )
        except services.BankResultError as exc:
            return Response(
                {"detail": exc.message, "code": str(exc.code), "errors": exc.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DomainError as exc:
            return Response(
                {"detail": exc.message, "code": str(exc.code), "errors": [exc.message]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {
                "batch": outcome.batch.number,
                "state": outcome.batch.get_state_display(),
                "paid": outcome.paid,
                "failed": outcome.failed,
            }
        )


urlpatterns = [
    path("payment-batches/<str:pk>/bank-results/", BankResultImportView.as_view(), name="api_bank_results"),
]
