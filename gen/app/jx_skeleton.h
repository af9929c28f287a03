/* jx_skeleton.h - a blank filing for a region (`jxgen new REGION`).
 *
 * The skeleton holds every field of the layout's schema in schema order,
 * each with an empty value ("" — or the field's `example:`) and a comment
 * naming it as the official table does, with what it takes:
 *     year: ""                        # 年度（必填）
 *     fund:                           # 项目资金
 *       # total: ""                   # 资金总额（金额，万元）可省略：由规则 fund-total 计算
 *       general_budget: ""            # 一般公共预算资金（金额，万元）
 *     spending:                       # 支出（列表：每项一个 "- " 条目）
 *       - name: ""                    # 支出项目（必填）
 * Lists get one entry.  Derived totals are written commented out: left out,
 * they are computed; uncommented, they are checked.  Once its required
 * fields are filled in, `jxgen check` accepts the skeleton. */
#ifndef JX_SKELETON_H
#define JX_SKELETON_H

#include <stdio.h>
#include "jx_error.h"
#include "jx_layout.h"

/* Writes the skeleton filing of `layout` to out.  Returns JX_OK, or
 * JX_ERR_IO when writing fails. */
jx_status jx_skeleton_write(const jx_layout *layout, FILE *out);

#endif
