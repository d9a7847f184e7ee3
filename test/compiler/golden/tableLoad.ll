define internal i64 @golden.tableLoad(i64 %a0) #0 {
entry:
  %v.i.0 = alloca i64, align 8
  store i64 %a0, ptr %v.i.0
  %t1 = load i64, ptr %v.i.0
  %t2 = icmp ult i64 %t1, 16
  br i1 %t2, label %ok.1, label %trap.0, !prof !0
ok.1:
  %t3 = getelementptr inbounds i16, ptr @golden.table.data, i64 %t1
  %t4 = load i16, ptr %t3
  %t5 = zext i16 %t4 to i64
  ret i64 %t5
trap.0:
  call void @llvm.trap()
  unreachable
}
