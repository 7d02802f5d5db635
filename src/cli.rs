//! The command line: global options and the commands, with their zh-CN help.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "shegong", version, about = "社区工作者队伍管理信息系统")]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Args, Clone)]
pub(crate) struct Global {
    /// 配置文件（TOML）；默认读取数据目录中的 shegong.toml（如存在）
    #[arg(long, global = true, env = "SHEGONG_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// 数据目录（内嵌 SQLite 数据库所在目录）
    #[arg(long, global = true, env = "SHEGONG_DATA_DIR", default_value = "./data")]
    pub(crate) data_dir: PathBuf,
    /// 数据库连接串，如 postgres://user:pass@host/db；默认使用数据目录中的 SQLite
    #[arg(long, global = true, env = "SHEGONG_DATABASE_URL")]
    pub(crate) database_url: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// 迁移数据库后启动服务
    Serve {
        /// 监听地址
        #[arg(long, env = "SHEGONG_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// 数据库为空时先载入演示省份，并打印各角色演示账号
        #[arg(long)]
        demo: bool,
        /// 演示省份代码
        #[arg(long, default_value = "33")]
        province: String,
        /// 演示数据随机种子
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// 为 Cookie 加上 Secure 标记（经 HTTPS 访问时开启）
        #[arg(long, env = "SHEGONG_SECURE_COOKIES")]
        secure_cookies: bool,
        /// API 令牌自创建起的有效天数
        #[arg(long, env = "SHEGONG_TOKEN_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        token_days: u32,
        /// 上传的花名册文件及其错误清单的保留天数
        #[arg(long, env = "SHEGONG_UPLOAD_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
        upload_retention_days: u32,
        /// 统计数字在他人保存后最多延后刷新的秒数（本人保存后立即刷新；0 为每次保存后重算）
        #[arg(long, env = "SHEGONG_FIGURES_STALE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=60))]
        figures_stale_secs: u64,
        /// 生成PDF（登记表）所用的中文字体文件（.ttf/.otf/.ttc）；不指定时在常见位置查找（如 fonts-noto-cjk）
        #[arg(long, env = "SHEGONG_PDF_FONT")]
        pdf_font: Option<PathBuf>,
    },
    /// 执行数据库迁移
    Migrate,
    /// 向空数据库载入演示省份
    Demo {
        #[arg(long, default_value = "33")]
        province: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// 再把演示省份的档案复制到其余 30 个省份，直至全国约有这么多社区工作者（用于全国规模的性能测试，如 4400000）
        #[arg(long, value_name = "人数")]
        national: Option<u64>,
    },
    /// 在线备份内嵌 SQLite 数据库
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// 检查服务是否正常（请求 /healthz）
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
    },
    /// 用户管理
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 行政区划
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
    /// 工作日历（法定节假日与调休上班日，用于民情事件时限）
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Open311 GeoReport v2 客户端密钥
    Open311Key {
        #[command(subcommand)]
        command: Open311KeyCommand,
    },
    /// 导入社区工作者花名册（.xlsx 或 CSV：UTF-8 / GB18030）：先检查全部行，无误才一次性全部导入
    Import {
        file: PathBuf,
        /// 导入范围（区划代码）：社区须在此范围内
        #[arg(long)]
        region: String,
        /// 只检查，不导入
        #[arg(long)]
        dry_run: bool,
    },
    /// 政策配置（员额、薪酬、培训、考核、退出、后备力量）
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
}

#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// 列出已有政策及版本
    List,
    /// 显示政策文件全文
    Show {
        name: String,
        #[arg(long)]
        version: Option<i32>,
    },
    /// 检查政策文件（不需要数据库）；有误时指明行号和原因
    Check { file: PathBuf },
    /// 自某日起对某区划适用政策（下级区划继承）
    Apply {
        name: String,
        #[arg(long)]
        region: String,
        /// 生效日期 YYYY-MM-DD
        #[arg(long)]
        from: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// 新增用户（密码从标准输入读取）
    Add {
        #[arg(long)]
        username: String,
        /// province_admin city_admin county_admin street_admin community_head worker auditor department
        #[arg(long)]
        role: String,
        /// 所辖区划代码（worker 角色可省略）
        #[arg(long, default_value = "")]
        region: String,
        /// worker 角色：本人身份证号码
        #[arg(long, default_value = "")]
        id_number: String,
        /// department 角色：所属职能部门的名称（--region 为其县级区划代码）
        #[arg(long, default_value = "")]
        department: String,
        #[arg(long, default_value = "")]
        display_name: String,
        /// 从标准输入读取密码
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// 设置用户密码（新密码从标准输入读取）；该用户的网页登录全部退出
    SetPassword {
        #[arg(long)]
        username: String,
        /// 从标准输入读取密码
        #[arg(long, required = true)]
        password_stdin: bool,
        /// 要求该用户下次登录时修改密码
        #[arg(long)]
        must_change: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum CalendarCommand {
    /// 列出已有放假安排的年份
    List,
    /// 添加某年的放假安排（CSV：date,kind,name；kind 为 holiday 放假或 workday 调休上班），已添加过的年份整体替换
    Add {
        /// 通知所属年份，如 2027
        #[arg(long)]
        year: i32,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum Open311KeyCommand {
    /// 签发密钥并打印（只显示这一次）；客户端提交的事件须在该区划内
    Add {
        /// 客户端名称，如“12345热线”
        #[arg(long)]
        name: String,
        /// 区划代码
        #[arg(long)]
        region: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum RegionsCommand {
    /// 导入区划 CSV（code,name,parent_code,level,households,residents,urban_rural_class）
    Import { file: PathBuf },
}
