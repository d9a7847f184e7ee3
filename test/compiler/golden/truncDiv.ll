define internal i64 @golden.truncDiv(i64 %a0, i64 %a1) #0 {
entry:
  %v.a.0 = alloca i64, align 8
  %v.b.1 = alloca i64, align 8
  store i64 %a0, ptr %v.a.0
  store i64 %a1, ptr %v.b.1
  %t2 = load i64, ptr %v.a.0
  %t3 = load i64, ptr %v.b.1
  %t4 = icmp eq i64 %t3, 0
  %t5 = select i1 %t4, i64 1, i64 %t3
  %t6 = sdiv i64 %t2, %t5
  %t7 = select i1 %t4, i64 0, i64 %t6
  %t8 = trunc i64 %t7 to i32
  %t9 = sext i32 %t8 to i64
  ret i64 %t9
}
