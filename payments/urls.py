from django.urls import path, re_path

from payments import views

app_name = "payments"

urlpatterns = [
    path("", views.BatchListView.as_view(), name="batch_list"),
    path("payable/", views.PayableListView.as_view(), name="payable"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("batches/<int:pk>/check/", views.BatchCheckView.as_view(), name="batch_check"),
    path("batches/<int:pk>/return/", views.BatchReturnView.as_view(), name="batch_return"),
    path("batches/<int:pk>/release/", views.BatchReleaseView.as_view(), name="batch_release"),
    re_path(r"^batches/(?P<pk>\d+)/bank\.(?P<fmt>csv|xlsx)$", views.BankFileView.as_view(), name="bank_file"),
    path("batches/<int:pk>/results/", views.BankResultUploadView.as_view(), name="bank_results"),
    path("payees/<int:claimant_id>/", views.PayeeEditView.as_view(), name="payee_edit"),
    path("notice/", views.NoticeView.as_view(), name="notice"),
    path("notice.xlsx", views.NoticeView.as_view(), {"fmt": "xlsx"}, name="notice_xlsx"),
]
